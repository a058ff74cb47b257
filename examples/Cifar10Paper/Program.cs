using System;
using System.Linq;
using Examples.Cifar;

// The paper's CIFAR-10 configuration: prints its stages, parameters and GFLOPs from the compiler's
// cost model. Training it needs a GPU (build with -p:TorchBackend=cuda).
var cost = Cifar10Multistage.Cost;
Console.WriteLine($"Cifar10Multistage: {cost.TotalParameters:N0} parameters, {cost.SharedParameters:N0} in the shared encoder");
Console.WriteLine($"{"stage",-11} {"t start",8} {"t end",8} {"decoder",12} {"active",12} {"GFLOPs",8}");
foreach (var (stage, stageCost) in Cifar10Multistage.Table.Stages.Zip(cost.Stages))
    Console.WriteLine($"{stage.Name,-11} {stage.Start,8:0.0000} {stage.End,8:0.0000} {stageCost.DecoderParameters,12:N0} {stageCost.ActiveParameters,12:N0} {stageCost.GFlops,8:0.00}");
