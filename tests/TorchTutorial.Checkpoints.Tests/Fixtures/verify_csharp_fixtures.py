"""Checks with real PyTorch that the checkpoints written by the C# library (csharp_*) load and predict the same.

    /usr/bin/python3 tests/TorchTutorial.Checkpoints.Tests/Fixtures/verify_csharp_fixtures.py

CI has no Python, so it only checks the C# side (PyTorchInteropTests); run this after regenerating the fixtures
(the explicit test PyTorchInteropTests.RegenerateCSharpFixtures). It checks:
  csharp_twolayernet.pt           torch.load(f, weights_only=True) -> TwoLayerNet.load_state_dict -> the C# predictions
  csharp_twolayernet.safetensors  read with json + torch.frombuffer (no safetensors package) -> the same predictions
  csharp_resume_{sgd,adam}.pt     torch.load -> the general-checkpoint recipe {"model_state_dict", "optimizer_state_dict"} ->
                                  model and torch.optim.SGD(momentum)/Adam .load_state_dict, 5 more steps -> the losses the C#
                                  run had for those 5 steps
  csharp_resume_plain_sgd.pt      SGD without momentum keeps no state, so the file is the bare state_dict:
                                  model.load_state_dict(torch.load(f)), a fresh SGD(lr=1e-2), 5 more steps -> the C# losses
  csharp_v1_resume_adam.pt        the {"model", "optimizer"} layout older versions wrote: still resumes in PyTorch
Exits non-zero on any mismatch.
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
PREDICTION_TOLERANCE = 1e-6
LOSS_TOLERANCE = 1e-5


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


def read_safetensors(path):
    dtypes = {'F32': torch.float32, 'F64': torch.float64}
    with open(path, 'rb') as f:
        data = f.read()
    (length,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + length].decode('utf-8'))
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        begin, end = entry['data_offsets']
        raw = bytearray(body[begin:end])
        tensors[name] = torch.frombuffer(raw, dtype=dtypes[entry['dtype']]).reshape(entry['shape']).clone()
    return tensors


def relative(actual, expected):
    return ((actual.double() - expected.double()).abs() / expected.double().abs().clamp(min=1.0)).max().item()


def main():
    with open(os.path.join(HERE, 'csharp_fixtures.json')) as f:
        fixtures = json.load(f)
    d_in, h, d_out = fixtures['sizes']
    x = torch.tensor(fixtures['input'])
    expected = torch.tensor(fixtures['twolayernet_predictions'])
    failures = []

    for name, state_dict in [('csharp_twolayernet.pt', lambda p: torch.load(p, weights_only=True)),
                             ('csharp_twolayernet.safetensors', read_safetensors)]:
        model = TwoLayerNet(d_in, h, d_out)
        model.load_state_dict(state_dict(os.path.join(HERE, name)))
        with torch.no_grad():
            predictions = model(x)
        diff = (predictions.double() - expected.double()).abs().max().item()
        print('%-32s max |PyTorch - C#| prediction difference %.3g' % (name, diff))
        if relative(predictions, expected) > PREDICTION_TOLERANCE:
            failures.append(name)

    x_train = torch.tensor(fixtures['x_train'])
    y_train = torch.tensor(fixtures['y_train'])
    loss_fn = torch.nn.MSELoss(reduction='sum')
    # (file, layout, optimizer, losses): the recipe keys, the bare state_dict, and the old {"model", "optimizer"} keys.
    resumes = [('csharp_resume_sgd.pt', 'recipe', lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.1), 'resume_sgd_losses'),
               ('csharp_resume_adam.pt', 'recipe', lambda p: torch.optim.Adam(p, lr=0.5), 'resume_adam_losses'),
               ('csharp_resume_plain_sgd.pt', 'bare', lambda p: torch.optim.SGD(p, lr=1e-2), 'resume_plain_sgd_losses'),
               ('csharp_v1_resume_adam.pt', 'v1', lambda p: torch.optim.Adam(p, lr=0.5), 'resume_adam_losses')]
    for name, layout, make, losses_key in resumes:
        # Not weights_only for files with optimizer state: PyTorch 1.13's weights-only unpickler lacks BINFLOAT, which every
        # optimizer state_dict needs (PyTorch's own pytorch_resume_*.pt fail it the same way); PyTorch >= 2 accepts them.
        checkpoint = torch.load(os.path.join(HERE, name), weights_only=(layout == 'bare'))
        model = TwoLayerNet(d_in, h, d_out)
        optimizer = make(model.parameters())
        if layout == 'bare':
            model.load_state_dict(checkpoint)
        elif layout == 'recipe':
            if sorted(checkpoint) != ['model_state_dict', 'optimizer_state_dict']:
                failures.append('%s has keys %s' % (name, sorted(checkpoint)))
                continue
            model.load_state_dict(checkpoint['model_state_dict'])
            optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
        else:
            model.load_state_dict(checkpoint['model'])
            optimizer.load_state_dict(checkpoint['optimizer'])
        losses = []
        for _ in range(5):
            loss = loss_fn(model(x_train), y_train)
            losses.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        expected_losses = fixtures[losses_key]
        worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(losses, expected_losses))
        print('%-32s %-6s layout, resumed 5 steps in PyTorch, max relative loss difference %.3g' % (name, layout, worst))
        if worst > LOSS_TOLERANCE:
            failures.append(name)

    if failures:
        print('MISMATCH:', ', '.join(failures))
        sys.exit(1)
    print('all C#-written checkpoints load in PyTorch %s and agree' % torch.__version__)


if __name__ == '__main__':
    main()
