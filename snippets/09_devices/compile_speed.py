"""Lesson 9: torch.compile, measured honestly against eager mode."""
# snipexec: timeout=240
import statistics
import time

import torch
import torch.nn as nn

# --8<-- [start:setup]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = nn.Sequential(
    nn.Linear(512, 1024),
    nn.GELU(),
    nn.Linear(1024, 1024),
    nn.GELU(),
    nn.Linear(1024, 10),
).to(device).eval()
x = torch.randn(256, 512, device=device)


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize()  # GPU work is asynchronous: wait before reading the clock


compiled = torch.compile(model)  # returns at once: compiling happens on the first call
# --8<-- [end:setup]

# --8<-- [start:first_call]
with torch.no_grad():
    sync()
    start = time.perf_counter()
    compiled(x)
    sync()
print(f"first call (compiles): {time.perf_counter() - start:.1f} s")
# --8<-- [end:first_call]

# --8<-- [start:same_result]
with torch.no_grad():
    print("same result as eager:", torch.allclose(compiled(x), model(x), rtol=1e-3, atol=1e-4))
# --8<-- [end:same_result]


# --8<-- [start:benchmark]
@torch.no_grad()
def milliseconds(fn, repeats=7, calls=20):
    fn(x)  # warm-up
    runs = []
    for _ in range(repeats):
        sync()
        start = time.perf_counter()
        for _ in range(calls):
            fn(x)
        sync()
        runs.append((time.perf_counter() - start) / calls * 1000)
    return runs


eager_ms, compiled_ms = milliseconds(model), milliseconds(compiled)
for name, runs in (("eager", eager_ms), ("compiled", compiled_ms)):
    print(f"{name:<9} median {statistics.median(runs):7.3f} ms per call   "
          f"(fastest {min(runs):.3f}, slowest {max(runs):.3f})")
print(f"eager / compiled: {statistics.median(eager_ms) / statistics.median(compiled_ms):.2f}")
# --8<-- [end:benchmark]
