#!/usr/bin/env python3
"""Share of public declarations with a doc comment, per library module.

Usage: scripts/doc-coverage.py [--root DIR] [--json] [--missing] [MODULE ...]

Rules (a line-based scan of Sources/<Module>/**/*.swift, not a compiler; simple on purpose):

* A *public declaration* is a line whose declaration keywords include `public` or `open`
  (after any attributes such as `@inlinable`) and one of: func, init, subscript, var, let,
  struct, enum, class, actor, protocol, typealias, associatedtype, case, operator, or
  `static`/`mutating`/`prefix`/... forms of those. `public private(set) var` counts.
* Requirements inside a `public protocol` and the cases of a `public enum` are public without
  the keyword, so they are counted too (one per `case` line; `case a, b` counts once).
* Not counted:
  - declarations marked `@_spi(...)` (on the line or on an attribute line directly above):
    they are outside the public surface by construction;
  - members of an extension whose header adopts a protocol (`extension T: P { ... }`): they
    implement the protocol's documented requirements (`==`, `hash(into:)`, `description`,
    `customMirror`, `init(integerLiteral:)`, ...), and DocC shows the protocol's documentation
    for them;
  - members of a non-public type (a `public` member of an internal type is not public);
  - `public import`.
* A declaration is *documented* when the nearest non-blank line above it, skipping attribute
  lines (`@...`), is a `///` line or closes a `/** ... */` block. A plain `//` comment does not
  count.
* Multi-line declarations (`public static let a = 1, b = 2`) count once.
* The last column counts public declarations that carry a trailing `// ...` comment on their
  own line (a field explained where DocC cannot see it); documented or not, they should say it
  with `///` instead.

Prints a table (module, public declarations, documented, share); `--json` prints the same
numbers as JSON; `--missing` lists each undocumented declaration as file:line.
"""

import argparse
import json
import os
import re
import sys

MODULES = ["Bytes", "BigNum", "Hashing", "Secp256k1", "Paillier", "Noise", "CGGMP", "TSS", "TSSStore", "TSSNode", "TSSClient"]

DECL_KEYWORDS = (
    r"func|init[?!]?|subscript|var|let|struct|enum|class|actor|protocol|typealias|"
    r"associatedtype|case|operator|extension"
)
MODIFIERS = (
    r"public|open|private\(set\)|fileprivate\(set\)|internal\(set\)|static|class|final|mutating|"
    r"nonmutating|prefix|postfix|infix|override|required|convenience|nonisolated|indirect|lazy|"
    r"consuming|borrowing|dynamic|weak|unowned|isolated|distributed|package"
)
ATTRIBUTE = r"@[A-Za-z_][A-Za-z0-9_]*(?:\([^)]*\))?"
DECL_RE = re.compile(
    rf"^\s*(?P<attrs>(?:{ATTRIBUTE}\s+)*)(?P<mods>(?:(?:{MODIFIERS})\s+)*)(?P<kw>{DECL_KEYWORDS})\b"
)
TYPE_KW = {"struct", "enum", "class", "actor", "protocol", "extension"}


def strip_strings_and_comments(line, in_block):
    """The line with string literals and comments blanked (for brace counting)."""
    out = []
    i = 0
    in_string = False
    while i < len(line):
        if in_block:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out), True
            i = end + 2
            in_block = False
            continue
        c = line[i]
        if in_string:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            in_block = True
            i += 2
            continue
        if c == '"':
            in_string = True
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out), in_block


def has_doc_comment(lines, index):
    j = index - 1
    while j >= 0:
        s = lines[j].strip()
        if not s:
            return False
        if s.startswith("@"):
            j -= 1
            continue
        if s.startswith("///"):
            return True
        if s.endswith("*/"):
            while j >= 0 and "/*" not in lines[j]:
                j -= 1
            return j >= 0 and "/**" in lines[j]
        return False
    return False


def spi_marked(lines, index, attrs):
    if "@_spi" in attrs:
        return True
    j = index - 1
    while j >= 0 and lines[j].strip().startswith("@"):
        if lines[j].strip().startswith("@_spi"):
            return True
        j -= 1
    return False


def scan_file(path):
    """Yields (line number, declaration text, documented) for each public declaration."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    # Stack of scopes: (kind, public_context, conformance_extension, depth at open)
    # public_context: members here are public without the keyword (protocol requirements,
    # enum cases of a public enum); exposed: whether the scope is itself on the public surface.
    stack = []  # each: dict(kind, exposed, implicit_public, conformance, depth)
    depth = 0
    in_block = False
    pending = None  # a type/extension declaration waiting for its `{`
    for number, line in enumerate(lines, 1):
        code, in_block_after = strip_strings_and_comments(line, in_block)
        stripped = line.strip()
        was_in_block = in_block
        in_block = in_block_after
        if was_in_block or stripped.startswith("//") or stripped.startswith("/*"):
            pass
        else:
            m = DECL_RE.match(code)
            if m:
                kw = m.group("kw")
                mods = m.group("mods").split()
                attrs = m.group("attrs")
                enclosing = stack[-1] if stack else None
                explicit_public = "public" in mods or "open" in mods
                if kw == "extension":
                    header = code.split("{")[0]
                    conformance = ":" in header.split(" where ")[0]
                    pending = dict(kind="extension", exposed=True, implicit_public=False,
                                   conformance=conformance)
                else:
                    if enclosing is None:
                        exposed_scope = True
                        implicit = False
                        conformance = False
                    else:
                        exposed_scope = enclosing["exposed"]
                        implicit = enclosing["implicit_public"]
                        conformance = enclosing["conformance"]
                    is_public = explicit_public or (
                        implicit and (kw == "case" and enclosing["kind"] == "enum"
                                      or enclosing["kind"] == "protocol")
                    )
                    # `case` inside a switch of a public enum's method is not a declaration:
                    # only count cases directly in the enum body.
                    directly_in_body = enclosing is not None and depth == enclosing["depth"] + 1
                    if kw == "case" and not (enclosing and enclosing["kind"] == "enum" and directly_in_body):
                        is_public = False
                    if enclosing is not None and enclosing["kind"] == "protocol" and not directly_in_body:
                        is_public = False
                    if kw in ("var", "let") and enclosing is not None and not directly_in_body:
                        is_public = False  # a local inside a function body
                    if "import" in code.split():
                        is_public = False
                    if is_public and exposed_scope and not conformance and not spi_marked(lines, number - 1, attrs):
                        trailing = "//" in line[len(code.rstrip()):] if code.strip() else False
                        yield number, stripped, has_doc_comment(lines, number - 1), trailing
                    if kw in TYPE_KW:
                        pending = dict(kind=kw, exposed=exposed_scope and is_public and not spi_marked(lines, number - 1, attrs),
                                       implicit_public=(kw in ("enum", "protocol") and is_public),
                                       conformance=False)
        for c in code:
            if c == "{":
                if pending is not None:
                    pending["depth"] = depth
                    stack.append(pending)
                    pending = None
                else:
                    stack.append(dict(kind="block", exposed=stack[-1]["exposed"] if stack else True,
                                      implicit_public=False,
                                      conformance=stack[-1]["conformance"] if stack else False,
                                      depth=depth))
                depth += 1
            elif c == "}":
                depth -= 1
                if stack:
                    stack.pop()
        # A type declaration without a body on this line (`public enum A: B {` spans lines) keeps
        # `pending` until its brace; a declaration that never opens one (`case`) clears it.
        if pending is not None and pending["kind"] not in TYPE_KW:
            pending = None


def scan_module(root, module):
    base = os.path.join(root, "Sources", module)
    total = documented = trailing = 0
    missing = []
    for directory, _, files in sorted(os.walk(base)):
        if ".docc" in directory:
            continue
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(directory, name)
            for number, text, doc, trailing_comment in scan_file(path):
                total += 1
                trailing += trailing_comment
                if doc:
                    documented += 1
                else:
                    missing.append(f"{os.path.relpath(path, root)}:{number}: {text}")
    return total, documented, trailing, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--missing", action="store_true")
    parser.add_argument("modules", nargs="*", default=MODULES)
    args = parser.parse_args()
    rows = []
    all_missing = []
    for module in args.modules:
        if not os.path.isdir(os.path.join(args.root, "Sources", module)):
            continue  # the module does not exist in this tree (an older commit)
        total, documented, trailing, missing = scan_module(args.root, module)
        rows.append(dict(module=module, public=total, documented=documented, trailing=trailing,
                         share=round(100.0 * documented / total, 1) if total else 100.0))
        all_missing += missing
    total = sum(r["public"] for r in rows)
    documented = sum(r["documented"] for r in rows)
    summary = dict(module="all", public=total, documented=documented,
                   trailing=sum(r["trailing"] for r in rows),
                   share=round(100.0 * documented / total, 1) if total else 100.0)
    if args.json:
        json.dump(dict(modules=rows, total=summary, missing=all_missing if args.missing else None),
                  sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    print("| Module | Public declarations | Documented | Share | Trailing `//` |")
    print("|---|---:|---:|---:|---:|")
    for r in rows + [summary]:
        print(f"| {r['module']} | {r['public']} | {r['documented']} | {r['share']:.1f} % | {r['trailing']} |")
    if args.missing:
        print()
        print("\n".join(all_missing))


if __name__ == "__main__":
    main()
