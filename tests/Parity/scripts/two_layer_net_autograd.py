# -*- coding: utf-8 -*-
# "Learning PyTorch with Examples": two_layer_net_autograd.py (section `autograd`),
# parametrised like the C# examples. Prints `t loss` for every step, nothing else.
import argparse

import torch

parser = argparse.ArgumentParser(description="two_layer_net_autograd.py: autograd on raw tensors")
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

# Create random Tensors to hold input and outputs.
# requires_grad=False: no gradients needed with respect to these Tensors.
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

# Create random Tensors for weights.
# requires_grad=True: compute gradients with respect to these Tensors in the backward pass.
w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)

learning_rate = args.lr
for t in range(args.steps):
    # Forward pass: compute predicted y using operations on Tensors; no need to keep
    # intermediate values since we are not implementing the backward pass by hand.
    y_pred = x.mm(w1).clamp(min=0).mm(w2)

    # Compute and print loss using operations on Tensors.
    # loss.item() gets the scalar value held in the loss.
    loss = (y_pred - y).pow(2).sum()
    print(t, loss.item())

    # Use autograd to compute the backward pass: w1.grad and w2.grad will hold the
    # gradient of the loss with respect to w1 and w2.
    loss.backward()

    # Manually update weights using gradient descent. Wrap in torch.no_grad()
    # because weights have requires_grad=True, but we don't need to track this in autograd.
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad

        # Manually zero the gradients after updating weights
        w1.grad.zero_()
        w2.grad.zero_()
