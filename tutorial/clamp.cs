// The seed note's section 2, torch.clamp(input, min, max, out=None): entries below min become min, entries above
// max become max; either bound may be left out.
//   dotnet run tutorial/clamp.cs
// Expected output at seed 0: input = randn(2, 4), starting [[1.5410, -0.2934, -2.1788, 0.5684], then that tensor
// through each of the four forms below (min only, max only, both, and out=).
#:project ../src/TorchTutorial
#:property PublishAot=false
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

// The note's example is unseeded; the seed makes runs comparable (with each other and with the workbench).
torch.manual_seed(0);

var device = torch.device("cpu");
// device = torch.device("cuda:0"); // Uncomment this to run on GPU

var input = torch.randn(2, 4, device: device);
Console.WriteLine("input =");
Console.WriteLine(Show(input));

// min only: max(input, 0), the ReLU of the autograd script
Print("torch.clamp(input, min=0)", torch.clamp(input, min: 0));

// max only: min(input, 0.5)
Print("torch.clamp(input, max=0.5)", torch.clamp(input, max: 0.5));

// both bounds
Print("torch.clamp(input, min=-0.5, max=0.5)", torch.clamp(input, min: -0.5, max: 0.5));

// out=: TorchSharp has no out= overload; copy into the existing tensor and clamp it in place,
// which fills the same storage without allocating a result.
var @out = torch.zeros_like(input);
@out.copy_(input).clamp_(min: -0.5, max: 0.5);
Print("torch.clamp(input, min=-0.5, max=0.5, out=out); out", @out);

static void Print(string expression, Tensor result)
{
    Console.WriteLine();
    Console.WriteLine($"{expression} =");
    Console.WriteLine(Show(result));
}

// Four decimals, invariant culture, rows on their own lines.
static string Show(Tensor tensor) =>
    tensor.ToString(TorchSharp.TensorStringStyle.Numpy, fltFormat: "0.0000", cultureInfo: CultureInfo.InvariantCulture);
