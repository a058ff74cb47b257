using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using DiffusionDsl.Language.Cost;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime.Staging;
using Spectre.Console;

namespace DiffusionDsl.Cli.Commands;

/// <summary>`msd info FILE.msd`: the stage table with t boundaries, parameter counts and GFLOPs per stage.</summary>
public static class InfoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var file = new Argument<string>("file") { Description = "The .msd file to describe" };
        var command = new Command("info", "Print the stage, parameter and GFLOP table of an .msd model") { file };
        command.SetAction(parsed => Run(parsed.GetValue(file)!, console));
        return command;
    }

    public static int Run(string path, IAnsiConsole console)
    {
        if (!File.Exists(path)) return CheckCommand.Run(path, console);
        if (MsdFile.Read(path, console) is not { } file) return 1;
        var compilation = file.Compilation;
        if (compilation.Model is null || compilation.Cost is null) return CheckCommand.Run(path, console);

        var model = compilation.Model;
        var cost = compilation.Cost;
        var image = model.Image;
        console.Line($"{model.Name}: image {image.Channels}x{image.Height}x{image.Width}, schedule {model.Schedule.Keyword}, predicts {model.Prediction.ToString().ToLowerInvariant()}, encoder {model.Encoder.Family}");
        console.Write(StageTable(model, cost));
        console.Line($"shared encoder {Count(cost.SharedParameters)} parameters; total {Count(cost.TotalParameters)} parameters");
        return 0;
    }

    internal static Table StageTable(ModelSpec model, ModelCostTable cost)
    {
        var table = new Table().AddColumns(
            Column("Stage", right: false), Column("t start"), Column("t end"),
            Column("Decoder params"), Column("Active params"), Column("GFLOPs"));
        foreach (var stage in model.Stages)
        {
            int d = model.Decoders.ToList().FindIndex(x => x.Stage == stage.Name);
            table.AddRow(
                Markup.Escape(stage.Name), Time(stage.Start), Time(stage.End),
                Count(cost.Stages[d].DecoderParameters), Count(cost.Stages[d].ActiveParameters),
                cost.Stages[d].GFlops.ToString("0.0000", CultureInfo.InvariantCulture));
        }
        return table;
    }

    private static TableColumn Column(string header, bool right = true)
    {
        var column = new TableColumn(header).NoWrap();
        return right ? column.RightAligned() : column;
    }

    private static string Time(double t) => t.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
