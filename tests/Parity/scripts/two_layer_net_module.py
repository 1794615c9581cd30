# -*- coding: utf-8 -*-
# "Learning PyTorch with Examples": two_layer_net_module.py (section `module`),
# parametrised like the C# examples. Prints `t loss` for every step, nothing else.
import argparse

import torch


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        """
        In the constructor we instantiate two nn.Linear modules and assign them as
        member variables.
        """
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        """
        In the forward function we accept a Tensor of input data and we must return
        a Tensor of output data.
        """
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


parser = argparse.ArgumentParser(description="two_layer_net_module.py: a custom nn.Module with SGD")
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

# Construct our model by instantiating the class defined above
model = TwoLayerNet(D_in, H, D_out)

# Construct our loss function and an Optimizer. model.parameters() holds the
# learnable parameters of the two nn.Linear modules.
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
for t in range(args.steps):
    # Forward pass: Compute predicted y by passing x to the model
    y_pred = model(x)

    # Compute and print loss
    loss = criterion(y_pred, y)
    print(t, loss.item())

    # Zero gradients, perform a backward pass, and update the weights.
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
