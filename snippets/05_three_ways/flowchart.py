"""Mermaid flowcharts of real model objects, for the lesson pages.

`module_flowchart(model)` walks `named_children()`: a container becomes a
box holding its children, and arrows follow the order the children were
registered, which is the order `forward` uses them in the lesson's models
(it is not traced). `keras_flowchart(model)` draws a Keras functional model
from its own layer graph, branches and merges included.
"""
from __future__ import annotations

import itertools


def _label(*lines: str) -> str:
    text = "<br>".join(lines)
    return '"' + text.replace("&", "#amp;").replace('"', "#quot;").replace("<br>", "<br/>") + '"'


def _summary(module) -> str:
    extra = module.extra_repr()
    return f"{type(module).__name__}({extra})" if extra else type(module).__name__


def module_flowchart(model, name: str = "model") -> str:
    ids = (f"n{i}" for i in itertools.count())
    lines = ["flowchart TD", '  model_in(["input"])']

    def walk(module, label: str, depth: int) -> tuple[str, str]:
        """Draw one module (a box of boxes for a container); return its id."""
        children = list(module.named_children())
        node = next(ids)
        pad = "  " * depth
        if not children:
            lines.append(f"{pad}{node}[{_label(label, _summary(module))}]")
            return node
        lines.append(f"{pad}subgraph {node}[{_label(label + ': ' + type(module).__name__)}]")
        lines.append(f"{pad}  direction TB")
        ends = [walk(child, child_name, depth + 1) for child_name, child in children]
        for a, b in zip(ends, ends[1:]):
            lines.append(f"{pad}  {a} --> {b}")
        lines.append(f"{pad}end")
        return node

    leaves = [n for n, m in model.named_modules() if n and not list(m.children())]
    lines.insert(1, f"  accTitle: {name}: {type(model).__name__}")
    lines.insert(2, f"  accDescr: input, then {', '.join(leaves)}, then output")
    top = walk(model, name, 1)
    lines += [f"  model_in --> {top}", '  model_out(["output"])', f"  {top} --> model_out"]
    return "\n".join(lines)


def _sources(args) -> list[str]:
    """Layer names a Keras inbound node reads from (nested lists of tensors)."""
    if isinstance(args, dict):
        history = args.get("config", {}).get("keras_history") if args.get("class_name") == "__keras_tensor__" else None
        return [history[0]] if history else [s for v in args.values() for s in _sources(v)]
    if isinstance(args, (list, tuple)):
        return [s for a in args for s in _sources(a)]
    return []


def keras_flowchart(model) -> str:
    layers = {layer.name: layer for layer in model.layers}
    lines = ["flowchart TD", f"  accTitle: {model.name}: Keras {type(model).__name__}",
             f"  accDescr: layers {', '.join(layers)}; arrows show which layer feeds which"]
    for spec in model.get_config()["layers"]:
        layer = layers[spec["name"]]
        if spec["class_name"] == "InputLayer":
            shape = tuple(layer.batch_shape[1:])
            lines.append(f'  {spec["name"]}([{_label(spec["name"], f"Input{shape}")}])')
            continue
        units = getattr(layer, "units", None)
        activation = getattr(getattr(layer, "activation", None), "__name__", None)
        detail = spec["class_name"] + (f"({units}, {activation})" if units else "")
        lines.append(f'  {spec["name"]}[{_label(spec["name"], detail)}]')
        for node in spec["inbound_nodes"]:
            for source in _sources(node):
                lines.append(f"  {source} --> {spec['name']}")
    return "\n".join(lines)
