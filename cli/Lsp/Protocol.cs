using System.Collections.Generic;

namespace DiffusionDsl.Cli.Lsp;

// The parts of the Language Server Protocol (3.17) that msd lsp answers with; serialized camelCase, nulls left out.

internal sealed record Position(int Line, int Character);

internal sealed record Range(Position Start, Position End);

internal sealed record Location(string Uri, Range Range);

internal sealed record Diagnostic(Range Range, int Severity, string Code, string Source, string Message);

internal sealed record PublishDiagnosticsParams(string Uri, int? Version, IReadOnlyList<Diagnostic> Diagnostics);

internal sealed record MarkupContent(string Kind, string Value);

internal sealed record Hover(MarkupContent Contents, Range? Range);

internal sealed record CompletionItem(string Label, int Kind, string? Detail, MarkupContent? Documentation);

internal sealed record CompletionList(bool IsIncomplete, IReadOnlyList<CompletionItem> Items);

internal sealed record TextEdit(Range Range, string NewText);

internal static class CompletionItemKind
{
    public const int Variable = 6, Value = 12, Keyword = 14, EnumMember = 20;
}

internal static class TextDocumentSyncKind
{
    public const int Full = 1;
}
