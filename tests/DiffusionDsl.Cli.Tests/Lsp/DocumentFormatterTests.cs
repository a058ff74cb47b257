using DiffusionDsl.Cli.Lsp;

namespace DiffusionDsl.Cli.Tests.Lsp;

public class DocumentFormatterTests
{
    [Theory]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\u0085")]
    public void LinesBreakWhereTheCompilersDoSoACommentEndsThere(string lineBreak)
    {
        // The compiler ends the comment, and the line, at the break: `encoder ddpmpp {` is code and opens a level.
        string text = "model M {  # note" + lineBreak + "  encoder ddpmpp {\nwidth 16\n}\nimage 1x28x28\n}\n";
        string formatted = DocumentFormatter.Format(text, "  ");
        Assert.Equal("model M {  # note" + lineBreak + "  encoder ddpmpp {\n    width 16\n  }\n  image 1x28x28\n}\n", formatted);
    }
}
