"""Lesson 2: view and reshape, and the case where view refuses."""
import torch

# --8<-- [start:view]
x = torch.arange(12)
v = x.view(3, 4)
print(v)
print(x.view(2, -1).shape)  # -1: "work this size out for me"
v[0, 0] = 100  # a view shares memory with x
print(x[:4])
print("same storage:", v.data_ptr() == x.data_ptr())
# --8<-- [end:view]

# --8<-- [start:transpose]
t = v.t()  # transpose: the same memory, read in another order
print(t.shape, "contiguous:", t.is_contiguous())
# --8<-- [end:transpose]

# --8<-- [start:reshape]
print("x, same storage:", x.reshape(3, 4).data_ptr() == x.data_ptr())  # no copy needed
r = t.reshape(12)  # t is not contiguous: reshape has to copy
print(r)
print("t, same storage:", r.data_ptr() == t.data_ptr())
print(t.contiguous().view(12).equal(r))  # contiguous() copies, then view works
# --8<-- [end:reshape]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:view_fails] raises=RuntimeError
t.view(12)
# --8<-- [end:view_fails]
