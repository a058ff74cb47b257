namespace DiffusionDsl.Language.Syntax;

/// <summary>
/// The compiler's limits (MSD0007). A .msd file is typed live in an IDE, where the generator runs on every keystroke
/// inside the compiler process: these keep every input fast to compile and every recursion shallow.
/// </summary>
public static class MsdLimits
{
    /// <summary>
    /// The largest .msd file, in characters (UTF-16 code units): 256 Ki, about 200 times the largest example. A file
    /// of that size compiles in about 0.1 s (on a loaded 2-core machine); anything longer is refused at once.
    /// </summary>
    public const int MaxLength = 1 << 18;

    /// <summary>
    /// How deeply braces, brackets and parentheses may nest, counted together (a model uses 4 or 5). The parser recurses
    /// once per level, so this bounds its stack.
    /// </summary>
    public const int MaxNesting = 32;

    /// <summary>The most stages a model may have.</summary>
    public const int MaxStages = 64;

    /// <summary>The most diagnostics one file reports; further ones are counted in a last MSD0007.</summary>
    public const int MaxDiagnostics = 100;
}
