# -*- coding: utf-8 -*-
# "Learning PyTorch with Examples": two_layer_net_custom_function.py (section `custom-function`),
# parametrised like the C# examples. Prints `t loss` for every step, nothing else.
import argparse

import torch


class MyReLU(torch.autograd.Function):
    """
    We can implement our own custom autograd Functions by subclassing
    torch.autograd.Function and implementing the forward and backward passes
    which operate on Tensors.
    """

    @staticmethod
    def forward(ctx, input):
        """
        In the forward pass we receive a Tensor containing the input and return
        a Tensor containing the output. ctx.save_for_backward caches objects for
        use in the backward pass.
        """
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        """
        In the backward pass we receive a Tensor containing the gradient of the loss
        with respect to the output, and we need to compute the gradient of the loss
        with respect to the input.
        """
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


parser = argparse.ArgumentParser(description="two_layer_net_custom_function.py: a custom autograd Function")
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
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

# Create random Tensors for weights.
w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)

learning_rate = args.lr
for t in range(args.steps):
    # To apply our Function, we use Function.apply method. We alias this as 'relu'.
    relu = MyReLU.apply

    # Forward pass: compute predicted y using operations; we compute
    # ReLU using our custom autograd operation.
    y_pred = relu(x.mm(w1)).mm(w2)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum()
    print(t, loss.item())

    # Use autograd to compute the backward pass.
    loss.backward()

    # Update weights using gradient descent
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad

        # Manually zero the gradients after updating weights
        w1.grad.zero_()
        w2.grad.zero_()
