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
        if (Compilation.Model is { } model && Compilation.Cost is { } cost) (Model, Cost, ModelIsCurrent) = (model, cost, true);
        else (Model, Cost, ModelIsCurrent) = (previous?.Model, previous?.Cost, false);
        LastSyntax = Syntax ?? previous?.LastSyntax;
        _tree = Syntax is not null ? new(Syntax) : new(() => SyntaxRecovery.Parse(text));
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

    /// <summary>Whether <see cref="Model"/> is this text's own.</summary>
    public bool ModelIsCurrent { get; }
}
