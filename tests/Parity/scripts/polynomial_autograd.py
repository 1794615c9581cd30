# -*- coding: utf-8 -*-
# "Learning PyTorch with Examples" (current version): polynomial_autograd.py as on pytorch/tutorials main since PR #3597
# (October 2025), fitting exp(x) on [-1, 1] (section `poly-autograd`; the sin(x) version is polynomial_autograd_sin.py),
# parametrised like the C# examples. Prints what the tutorial prints: `Using cpu device`, its `Iteration t = ...` line
# when t % N == N - 1 (N = --log-every, the tutorial's 100), then the `Result: ...` line; with --losses-every M also
# `t loss` when t % M == M - 1, for the references.
#
# Replaced because PyTorch 1.13 (Debian's) lacks them: torch.accelerator (PyTorch 2.6) by --device, and
# torch.set_default_device (PyTorch 2.0) by device=device on each tensor the script creates.
import argparse
import math

import torch

parser = argparse.ArgumentParser(description="polynomial_autograd.py (today's): y = exp(x) by a third-order polynomial, autograd")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--steps", type=int, default=5000)
parser.add_argument("--lr", type=float, default=1e-5)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
parser.add_argument("--log-every", type=int, default=100)
parser.add_argument("--losses-every", type=int, default=0, help="also print `t loss` when t %% M == M - 1 (0: never)")
parser.add_argument("--device", default="cpu", help="stands for torch.accelerator's choice (absent in PyTorch 1.13)")
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(args.threads)
N = args.log_every
M = args.losses_every

# We want to be able to train our model on an `accelerator <https://pytorch.org/docs/stable/torch.html#accelerators>`__
# such as CUDA, MPS, MTIA, or XPU. If the current accelerator is available, we will use it. Otherwise, we use the CPU.

dtype = getattr(torch, args.dtype)  # the tutorial: torch.float
# upstream: device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
device = args.device
print(f"Using {device} device")
# upstream: torch.set_default_device(device); here device=device on each tensor below instead

# Create Tensors to hold input and outputs.
# By default, requires_grad=False, which indicates that we do not need to
# compute gradients with respect to these Tensors during the backward pass.
x = torch.linspace(-1, 1, 2000, dtype=dtype, device=device)
y = torch.exp(x) # A Taylor expansion would be 1 + x + (1/2) x**2 + (1/3!) x**3 + ...

# Create random Tensors for weights. For a third order polynomial, we need
# 4 weights: y = a + b x + c x^2 + d x^3
# Setting requires_grad=True indicates that we want to compute gradients with
# respect to these Tensors during the backward pass.
a = torch.randn((), dtype=dtype, device=device, requires_grad=True)
b = torch.randn((), dtype=dtype, device=device, requires_grad=True)
c = torch.randn((), dtype=dtype, device=device, requires_grad=True)
d = torch.randn((), dtype=dtype, device=device, requires_grad=True)

initial_loss = 1.
learning_rate = args.lr
for t in range(args.steps):
    # Forward pass: compute predicted y using operations on Tensors.
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # Compute and print loss using operations on Tensors.
    # Now loss is a Tensor of shape (1,)
    # loss.item() gets the scalar value held in the loss.
    loss = (y_pred - y).pow(2).sum()
    if M and t % M == M - 1:
        print(t, loss.item())

    # Calculate initial loss, so we can report loss relative to it
    if t==0:
        initial_loss=loss.item()

    if t % N == N - 1:
        print(f'Iteration t = {t:4d}  loss(t)/loss(0) = {round(loss.item()/initial_loss, 6):10.6f}  a = {a.item():10.6f}  b = {b.item():10.6f}  c = {c.item():10.6f}  d = {d.item():10.6f}')

    # Use autograd to compute the backward pass. This call will compute the
    # gradient of loss with respect to all Tensors with requires_grad=True.
    # After this call a.grad, b.grad. c.grad and d.grad will be Tensors holding
    # the gradient of the loss with respect to a, b, c, d respectively.
    loss.backward()

    # Manually update weights using gradient descent. Wrap in torch.no_grad()
    # because weights have requires_grad=True, but we don't need to track this
    # in autograd.
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        # Manually zero the gradients after updating weights
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
