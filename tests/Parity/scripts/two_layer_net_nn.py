# -*- coding: utf-8 -*-
# "Learning PyTorch with Examples": two_layer_net_nn.py (section `nn`),
# parametrised like the C# examples. Prints `t loss` for every step, nothing else.
import argparse

import torch

parser = argparse.ArgumentParser(description="two_layer_net_nn.py: the nn package")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--steps", type=int, default=500)
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--input", type=int, default=1000)
parser.add_argument("--hidden", type=int, default=100)
parser.add_argument("--output", type=int, default=10)
parser.add_argument("--lr", type=float, default=1e-4)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
args = parser.parse_args()

torch.manual_seed(args.seed)
# The tutorial uses the default dtype, float32; --dtype float64 checks the algorithm without float32 round-off.
torch.set_default_dtype(getattr(torch, args.dtype))
torch.set_num_threads(args.threads)

# N is batch size; D_in is input dimension;
# H is hidden dimension; D_out is output dimension.
N, D_in, H, D_out = args.batch, args.input, args.hidden, args.output

# Create random Tensors to hold inputs and outputs
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

# Use the nn package to define our model as a sequence of layers. nn.Sequential
# applies its Modules in sequence; each Linear Module holds a weight and a bias.
model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)

# The nn package also contains popular loss functions; here Mean Squared Error (MSE).
loss_fn = torch.nn.MSELoss(reduction='sum')

learning_rate = args.lr
for t in range(args.steps):
    # Forward pass: compute predicted y by passing x to the model.
    y_pred = model(x)

    # Compute and print loss.
    loss = loss_fn(y_pred, y)
    print(t, loss.item())

    # Zero the gradients before running the backward pass.
    model.zero_grad()

    # Backward pass: compute gradient of the loss with respect to all the learnable
    # parameters of the model.
    loss.backward()

    # Update the weights using gradient descent.
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
