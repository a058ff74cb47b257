using System;
using System.Linq;
using DiffusionDsl.Runtime.Staging;
using Examples.FashionMnist;

// The three Fashion-MNIST models side by side: what each stage costs, and the cost averaged over t
// (the share of [0, 1] each stage covers), which is what matching compute means here.
Print("multistage", FashionMultistage.Table, FashionMultistage.Cost);
Print("unified", FashionUnified.Table, FashionUnified.Cost);
Print("separate", FashionSeparate.Table, FashionSeparate.Cost);

static void Print(string label, StageTable table, ModelCostTable cost)
{
    Console.WriteLine($"{label}: {cost.TotalParameters:N0} parameters, {cost.SharedParameters:N0} in the shared encoder");
    foreach (var (stage, stageCost) in table.Stages.Zip(cost.Stages))
        Console.WriteLine($"  {stage.Name,-11} t [{stage.Start:0.000}, {stage.End:0.000}]  active {stageCost.ActiveParameters,9:N0}  {stageCost.GFlops:0.0000} GFLOPs");
    double perT = table.Stages.Zip(cost.Stages).Sum(p => (p.First.End - p.First.Start) * p.Second.GFlops);
    Console.WriteLine($"  average over t: {perT:0.0000} GFLOPs per image");
}
