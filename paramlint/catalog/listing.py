"""The supported-layer list, as markdown, generated from the catalog (the README's copy is
checked against it by a test, so the two cannot drift)."""

from __future__ import annotations

from typing import List

from paramlint.catalog import table

#: (catalog module, heading, namespace) in README order.
FRAMEWORKS = (
    ("torch", "PyTorch", "torch.nn"),
    ("keras", "Keras 3 / tf.keras", "keras.layers"),
    ("flax", "Flax linen", "flax.linen"),
)

START = "<!-- catalog:start -->"
END = "<!-- catalog:end -->"


def names(framework: str) -> List[str]:
    """Layer classes paramlint knows (leaves and containers; not the bare base classes)."""
    specs = {s.name: s for s in table(framework).values()}
    return sorted(n for n, s in specs.items() if s.role != "base")


def markdown() -> str:
    """One section per framework: the count and the class names."""
    out: List[str] = []
    for fw, title, ns in FRAMEWORKS:
        found = names(fw)
        lazy = sum(1 for n in found if table(fw)[n].lazy and fw == "torch")
        extra = f"; {lazy} `Lazy*` built from their first input" if lazy else ""
        out.append(f"**{title}** (`{ns}`): {len(found)} classes{extra}.\n")
        marked = [f"`{n}`*" if "Unknown" in table(fw)[n].note else f"`{n}`" for n in found]
        out.append(", ".join(marked) + "\n")
        if any(m.endswith("*") for m in marked):
            out.append("\\* recognised, but its output is reported Unknown (an arbitrary function).\n")
    return "\n".join(out)


def section() -> str:
    """The README block, markers included."""
    return f"{START}\n{markdown()}{END}\n"
