using System;
using System.Linq;
using DiffusionDsl.Runtime.Staging;
using Examples.Cifar;

// The paper's two CIFAR-10 configurations, EDM (DDPM++) and VP (score_sde's NCSN++): prints their stages, parameters and
// GFLOPs from the compiler's cost model. Training them needs a GPU (build with -p:TorchBackend=cuda).
Print(nameof(Cifar10Multistage), Cifar10Multistage.Cost, Cifar10Multistage.Table);
Console.WriteLine();
Print(nameof(Cifar10MultistageVp), Cifar10MultistageVp.Cost, Cifar10MultistageVp.Table);

static void Print(string name, ModelCostTable cost, StageTable table)
{
    Console.WriteLine($"{name}: {cost.TotalParameters:N0} parameters, {cost.SharedParameters:N0} in the shared encoder");
    Console.WriteLine($"{"stage",-11} {"t start",8} {"t end",8} {"decoder",12} {"active",12} {"GFLOPs",8}");
    foreach (var (stage, stageCost) in table.Stages.Zip(cost.Stages))
        Console.WriteLine($"{stage.Name,-11} {stage.Start,8:0.0000} {stage.End,8:0.0000} {stageCost.DecoderParameters,12:N0} {stageCost.ActiveParameters,12:N0} {stageCost.GFlops,8:0.00}");
}
