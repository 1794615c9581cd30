# -*- coding: utf-8 -*-
# "Learning PyTorch with Examples" (current version): dynamic_net.py (section `poly-dynamic`),
# parametrised like the C# examples. Prints what the tutorial prints: `t loss` when t % N == N - 1
# (N = --log-every, the tutorial's 2000), then the `Result: ...` line.
#
# The number of x^4/x^5 terms is drawn by Python's `random` module, seeded here with --seed so a run
# can be repeated; the C# port draws them from PythonRandom(seed), which reproduces random.seed and
# random.randint, so the two add the same terms on the same steps.
import argparse
import math
import random

import torch


class DynamicNet(torch.nn.Module):
    def __init__(self):
        """
        In the constructor we instantiate five parameters and assign them as members.
        """
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        """
        For the forward pass of the model, we randomly choose either 4, 5
        and reuse the e parameter to compute the contribution of these orders.

        Since each forward pass builds a dynamic computation graph, we can use normal
        Python control-flow operators like loops or conditional statements when
        defining the forward pass of the model.

        Here we also see that it is perfectly safe to reuse the same parameter many
        times when defining a computational graph.
        """
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        """
        Just like any class in Python, you can also define custom method on PyTorch modules
        """
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?'


parser = argparse.ArgumentParser(description="dynamic_net.py: control flow and weight sharing, y = sin(x) by a polynomial of random degree")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--steps", type=int, default=30000)
parser.add_argument("--lr", type=float, default=1e-8)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
parser.add_argument("--log-every", type=int, default=2000)
args = parser.parse_args()

torch.manual_seed(args.seed)
random.seed(args.seed)
# The tutorial uses the default dtype, float32; --dtype float64 checks the algorithm without float32 round-off.
torch.set_default_dtype(getattr(torch, args.dtype))
torch.set_num_threads(args.threads)
N = args.log_every

# Create Tensors to hold input and outputs.
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

# Construct our model by instantiating the class defined above
model = DynamicNet()

# Construct our loss function and an Optimizer. Training this strange model with
# vanilla stochastic gradient descent is tough, so we use momentum
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
for t in range(args.steps):
    # Forward pass: Compute predicted y by passing x to the model
    y_pred = model(x)

    # Compute and print loss
    loss = criterion(y_pred, y)
    if t % N == N - 1:
        print(t, loss.item())

    # Zero gradients, perform a backward pass, and update the weights.
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f'Result: {model.string()}')
