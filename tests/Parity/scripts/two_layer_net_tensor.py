# -*- coding: utf-8 -*-
# "Learning PyTorch with Examples": two_layer_net_tensor.py (section `tensors`),
# parametrised like the C# examples. Prints `t loss` for every step, nothing else.
import argparse

import torch

parser = argparse.ArgumentParser(description="two_layer_net_tensor.py: manual backprop on raw tensors")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--steps", type=int, default=500)
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--input", type=int, default=1000)
parser.add_argument("--hidden", type=int, default=100)
parser.add_argument("--output", type=int, default=10)
parser.add_argument("--lr", type=float, default=1e-6)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(args.threads)

dtype = getattr(torch, args.dtype)  # the tutorial: torch.float
device = torch.device("cpu")

# N is batch size; D_in is input dimension;
# H is hidden dimension; D_out is output dimension.
N, D_in, H, D_out = args.batch, args.input, args.hidden, args.output

# Create random input and output data
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

# Randomly initialize weights
w1 = torch.randn(D_in, H, device=device, dtype=dtype)
w2 = torch.randn(H, D_out, device=device, dtype=dtype)

learning_rate = args.lr
for t in range(args.steps):
    # Forward pass: compute predicted y
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum()
    print(t, loss.item())

    # Backprop to compute gradients of w1 and w2 with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)

    # Update weights using gradient descent
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
