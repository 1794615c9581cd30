"""Writes the PyTorch-made checkpoint fixtures the C# tests load (PyTorchInteropTests, PickleSafetyTests).

Run with Debian's own interpreter and python3-torch (PyTorch 1.13):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 tests/TorchTutorial.Checkpoints.Tests/Fixtures/make_pytorch_fixtures.py

(the reference BLAS wrote the committed files; OpenBLAS changes the last digits of the trained weights)

It writes, next to this script:
  pytorch_twolayernet.pt           torch.save(model.state_dict()) of a trained tutorial TwoLayerNet(10, 6, 3)
  pytorch_twolayernet_protocol4.pt the same, pickle protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL)
  pytorch_legacy.pt                the same in torch.save's legacy pre-1.6 format, which the C# side refuses with a message
  pytorch_twolayernet.safetensors  the same weights as safetensors (written with json + raw bytes; Debian has no safetensors package)
  pytorch_sequential.pt            torch.save(model.state_dict()) of Sequential(Linear(10, 6), ReLU(), Linear(6, 3)) (names 0.weight, ...)
  pytorch_resume_sgd.pt            {"model": ..., "optimizer": ...} after 5 SGD(momentum=0.9) steps
  pytorch_resume_adam.pt           {"model": ..., "optimizer": ...} after 5 Adam steps
  pytorch_resume_adam_recipe.pt    the same Adam checkpoint in the general-checkpoint recipe's layout:
                                   {"epoch", "model_state_dict", "optimizer_state_dict", "loss"}
  evil_posix_system.pt             a state_dict whose pickle calls os.system (GLOBAL posix.system) when torch.load-ed unsafely
  evil_builtins_eval_protocol4.pt  the same with builtins.eval, pickle protocol 4 (STACK_GLOBAL)
  pytorch_fixtures.json            inputs, the models' predictions, training data and the losses of 5 more steps after each resume checkpoint
The malicious files are never loaded here; their payloads only touch a file under /tmp.
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
D_IN, H, D_OUT = 10, 6, 3


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


def rows(t):
    return [[float(v) for v in row] for row in t.detach().tolist()]


def train(model, optimizer, x, y, steps):
    loss_fn = torch.nn.MSELoss(reduction='sum')
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses


def write_safetensors(state_dict, path):
    codes = {torch.float32: 'F32', torch.float64: 'F64'}
    header, blobs, offset = {}, [], 0
    for name, tensor in state_dict.items():
        data = tensor.detach().contiguous().numpy().tobytes()
        header[name] = {'dtype': codes[tensor.dtype], 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


class Evil:
    def __init__(self, function, argument):
        self.function, self.argument = function, argument

    def __reduce__(self):
        return (self.function, (self.argument,))


def main():
    fixtures = {'sizes': [D_IN, H, D_OUT]}

    torch.manual_seed(1234)
    x_train = torch.randn(8, D_IN)
    y_train = torch.randn(8, D_OUT)
    x = torch.randn(4, D_IN)
    fixtures['input'] = rows(x)
    fixtures['x_train'] = rows(x_train)
    fixtures['y_train'] = rows(y_train)

    # A trained TwoLayerNet: its weights are no longer what any seed initialises.
    torch.manual_seed(7)
    model = TwoLayerNet(D_IN, H, D_OUT)
    train(model, torch.optim.SGD(model.parameters(), lr=1e-2), x_train, y_train, 3)
    torch.save(model.state_dict(), os.path.join(HERE, 'pytorch_twolayernet.pt'))
    torch.save(model.state_dict(), os.path.join(HERE, 'pytorch_twolayernet_protocol4.pt'), pickle_protocol=4)
    torch.save(model.state_dict(), os.path.join(HERE, 'pytorch_legacy.pt'), _use_new_zipfile_serialization=False)
    write_safetensors(model.state_dict(), os.path.join(HERE, 'pytorch_twolayernet.safetensors'))
    with torch.no_grad():
        fixtures['twolayernet_predictions'] = rows(model(x))

    torch.manual_seed(8)
    sequential = torch.nn.Sequential(torch.nn.Linear(D_IN, H), torch.nn.ReLU(), torch.nn.Linear(H, D_OUT))
    train(sequential, torch.optim.SGD(sequential.parameters(), lr=1e-2), x_train, y_train, 3)
    torch.save(sequential.state_dict(), os.path.join(HERE, 'pytorch_sequential.pt'))
    with torch.no_grad():
        fixtures['sequential_predictions'] = rows(sequential(x))

    # Resumable checkpoints: 5 steps, save model + optimizer, then the losses of 5 more steps.
    for name, make in [('sgd', lambda p: torch.optim.SGD(p, lr=1e-2, momentum=0.9)),
                       ('adam', lambda p: torch.optim.Adam(p, lr=1e-2))]:
        torch.manual_seed(9)
        resumed = TwoLayerNet(D_IN, H, D_OUT)
        optimizer = make(resumed.parameters())
        losses = train(resumed, optimizer, x_train, y_train, 5)
        torch.save({'model': resumed.state_dict(), 'optimizer': optimizer.state_dict()},
                   os.path.join(HERE, 'pytorch_resume_%s.pt' % name))
        if name == 'adam':
            # PyTorch's "Saving and loading a general checkpoint" recipe.
            torch.save({'epoch': 5, 'model_state_dict': resumed.state_dict(), 'optimizer_state_dict': optimizer.state_dict(),
                        'loss': losses[-1]}, os.path.join(HERE, 'pytorch_resume_adam_recipe.pt'))
        fixtures['resume_%s_losses' % name] = train(resumed, optimizer, x_train, y_train, 5)

    # Malicious pickles: torch.load(f) without weights_only would run these calls.
    weights = torch.nn.Linear(2, 1).state_dict()
    evil = dict(weights)
    evil['payload'] = Evil(os.system, 'touch /tmp/torchtutorial-checkpoint-pwned')
    torch.save(evil, os.path.join(HERE, 'evil_posix_system.pt'))
    evil = dict(weights)
    evil['payload'] = Evil(eval, "open('/tmp/torchtutorial-checkpoint-pwned', 'w')")
    torch.save(evil, os.path.join(HERE, 'evil_builtins_eval_protocol4.pt'), pickle_protocol=4)

    with open(os.path.join(HERE, 'pytorch_fixtures.json'), 'w') as f:
        json.dump(fixtures, f, indent=1)
        f.write('\n')
    print('wrote fixtures to', HERE, 'with torch', torch.__version__)


if __name__ == '__main__':
    main()
