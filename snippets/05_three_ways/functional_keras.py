"""Lesson 5, way 2a: the Keras functional API, running on PyTorch."""
# --8<-- [start:keras_model]
import os

os.environ["KERAS_BACKEND"] = "torch"  # must be set before keras is imported

import keras
from keras.layers import Dense, Input, concatenate

in_a = Input(shape=(28,))
in_b = Input(shape=(64,))

branch_a = Dense(16, activation="relu")(in_a)
branch_a = Dense(8, activation="relu")(branch_a)

branch_b = Dense(64, activation="relu")(in_b)
branch_b = Dense(32, activation="relu")(branch_b)
branch_b = Dense(8, activation="relu")(branch_b)

merged = concatenate([branch_a, branch_b])
top = Dense(2, activation="relu")(merged)
final = Dense(1, activation="linear")(top)

model = keras.Model(inputs=[in_a, in_b], outputs=final)
model.summary()  # summary() prints by itself; print(model.summary()) would add "None"
# --8<-- [end:keras_model]

# --8<-- [start:keras_is_torch]
import torch

print("backend:", keras.backend.backend())
print("is a torch.nn.Module:", isinstance(model, torch.nn.Module))
print("parameters:", model.count_params())
# --8<-- [end:keras_is_torch]

# --8<-- [start:keras_diagram]
from flowchart import keras_flowchart

print(keras_flowchart(model))
# --8<-- [end:keras_diagram]
