using DiffusionDsl.Language;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Staging;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// One open .msd document: its text, the compiler's result for it, and its syntax tree. While the text has errors the
/// last model that compiled (and the last tree that parsed) stay available for hovers and completion, marked as such.
/// </summary>
internal sealed class MsdDocumentState
{
    private MsdDocumentState(string uri, int? version, string text, MsdDocumentState? previous)
    {
        Uri = uri;
        Version = version;
        Lines = new TextLines(text);
        RootNamespace = previous is null ? ProjectNamespace.Of(uri) : previous.RootNamespace;
        Compilation = MsdCompiler.Compile(text, RootNamespace, out var syntax);
        Syntax = syntax;
        // Repairing costs a few parses: done here only when the figures need it, else when a hover first asks for the tree.
        bool compiledBefore = previous is { Figures: ModelFigures.Current or ModelFigures.LastCompiled };
        bool figuresNeedRepair = Syntax is null && Compilation.Model is null && !compiledBefore;
        var repair = figuresNeedRepair ? SyntaxRecovery.Repair(text) : null;
        if (Compilation.Model is { } model && Compilation.Cost is { } cost) (Model, Cost, Figures) = (model, cost, ModelFigures.Current);
        else if (compiledBefore) (Model, Cost, Figures) = (previous!.Model, previous.Cost, ModelFigures.LastCompiled);
        else if (repair is { } r && MsdCompiler.Compile(r.Text, RootNamespace) is { Model: { } repaired, Cost: { } repairedCost })
            // Opened with a syntax error and never compiled: the text without its broken lines may still give the figures.
            (Model, Cost, Figures) = (repaired, repairedCost, ModelFigures.WithoutBrokenLines);
        LastSyntax = Syntax ?? previous?.LastSyntax;
        _tree = Syntax is not null ? new(Syntax) : figuresNeedRepair ? new(repair?.Document) : new(() => SyntaxRecovery.Parse(text));
    }

    private readonly System.Lazy<MsdDocument?> _tree;

    public static MsdDocumentState Open(string uri, int? version, string text) => new(uri, version, text, null);

    public MsdDocumentState Change(int? version, string text) => new(Uri, version, text, this);

    public string Uri { get; }
    public int? Version { get; }
    public TextLines Lines { get; }
    public string Text => Lines.Text;
    public MsdCompilation Compilation { get; }

    /// <summary>The project's RootNamespace, which the build compiles the file with (<see cref="ProjectNamespace"/>).</summary>
    public string? RootNamespace { get; }

    /// <summary>This text's syntax tree; null when it has a syntax error.</summary>
    public MsdDocument? Syntax { get; }

    /// <summary>This text's tree, or the last one that parsed.</summary>
    public MsdDocument? LastSyntax { get; }

    /// <summary>
    /// This text's tree, or while it has a syntax error the tree of the text with its broken lines blanked
    /// (<see cref="SyntaxRecovery"/>): spans that are this text's, for hovers, definitions and completion.
    /// </summary>
    public MsdDocument? Tree => _tree.Value;

    /// <summary>This text's model, or while it has errors the last one that compiled (null if none ever did).</summary>
    public ModelSpec? Model { get; }
    public ModelCostTable? Cost { get; }

    /// <summary>Where <see cref="Model"/> comes from.</summary>
    public ModelFigures Figures { get; }
}

internal enum ModelFigures
{
    None,
    /// <summary>This text's model.</summary>
    Current,
    /// <summary>The last version that compiled, while this text has errors.</summary>
    LastCompiled,
    /// <summary>This text with its broken lines left out: a file opened with a syntax error that never compiled.</summary>
    WithoutBrokenLines,
}
