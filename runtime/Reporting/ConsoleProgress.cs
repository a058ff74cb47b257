using System;
using DiffusionDsl.Runtime.Training;
using Spectre.Console;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>A Spectre.Console progress bar whose description carries the loss, it/s and ETA.</summary>
public static class ConsoleProgress
{
    public static T Run<T>(MultistageTrainer trainer, Func<T> train)
    {
        long firstStep = trainer.Step;
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                // Until the first logged step has a loss to show, the task says what it does.
                var task = context.AddTask(Markup.Escape($"training to step {trainer.Options.Steps}"), maxValue: trainer.Options.Steps);
                task.Value = trainer.Step;
                void OnStep(TrainStepInfo info)
                {
                    task.Value = info.Step;
                    // The text shows the loss, read back from the device: only at logged steps and the last one.
                    if (info.Step % Math.Max(1, trainer.Options.LogEvery) == 0 || info.Step == info.TotalSteps)
                        task.Description = Markup.Escape(ProgressText.Format(info, firstStep));
                }
                trainer.StepCompleted += OnStep;
                try { return train(); }
                finally { trainer.StepCompleted -= OnStep; }
            });
    }
}
