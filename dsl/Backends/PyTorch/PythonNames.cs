using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace DiffusionDsl.Language.Backends.PyTorch;

/// <summary>How an exported model's Python module and class are named.</summary>
public static class PythonNames
{
    private static readonly string[] Keywords =
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield", "match", "case", "type",
    };

    /// <summary>
    /// Python's builtins: a class named super or len at a module's top level hides the builtin from every function there,
    /// and the mechanics call super().__init__ and len(...).
    /// </summary>
    private static readonly string[] Builtins =
    {
        "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes", "callable", "chr", "classmethod",
        "compile", "complex", "copyright", "credits", "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec", "exit", "filter",
        "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input", "int", "isinstance",
        "issubclass", "iter", "len", "license", "list", "locals", "map", "max", "memoryview", "min", "next", "object", "oct", "open",
        "ord", "pow", "print", "property", "quit", "range", "repr", "reversed", "round", "set", "setattr", "slice", "sorted",
        "staticmethod", "str", "sum", "super", "tuple", "vars", "zip", "__import__", "__build_class__", "__name__", "__file__",
        "BaseException", "Exception", "ArithmeticError", "AssertionError", "AttributeError", "EOFError", "ImportError", "IndexError",
        "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError", "NameError", "NotImplemented", "NotImplementedError", "OSError",
        "OverflowError", "RuntimeError", "StopIteration", "SyntaxError", "SystemExit", "TypeError", "ValueError", "ZeroDivisionError",
        "FileNotFoundError", "PermissionError", "Ellipsis",
    };

    // Read from the Python sources themselves, so a name added there is reserved here too.
    private static readonly Lazy<HashSet<string>> ClassNamesTaken = new(() => new HashSet<string>(
        Keywords.Concat(Builtins).Concat(TopLevelNames(PythonResources.Read(PyTorchExport.Runtime))).Concat(PythonModelEmitter.SectionNames)));

    private static readonly Lazy<HashSet<string>> ModuleNamesTaken = new(() => new HashSet<string>(
        Keywords.Concat(PyTorchExport.Scripts.Select(s => s.Substring(0, s.Length - ".py".Length)))
                .Concat(PyTorchExport.Scripts.Append(PyTorchExport.Runtime).SelectMany(s => ImportedModules(PythonResources.Read(s))))
                .Concat(ShadowedModules(PythonResources.Read(ShadowedModulesFile)))));

    /// <summary>Python's standard library and the packages PyTorch loads: imported on the way, not only by the scripts.</summary>
    internal const string ShadowedModulesFile = "shadowed-modules.txt";

    internal static IEnumerable<string> ShadowedModules(string list) =>
        list.Split('\n').Select(line => line.Split('#')[0].Trim()).Where(name => name.Length > 0);

    /// <summary>
    /// The model's class: its .msd name, unless that is a keyword or a name the module binds (a class, function,
    /// constant or import of the mechanics, or a constant of the model's own section): then it gets a trailing underscore.
    /// </summary>
    public static string Class(string modelName) => ClassNamesTaken.Value.Contains(modelName) ? modelName + "_" : modelName;

    /// <summary>
    /// The module file's name without ".py": the model name in snake_case ("Cifar10Multistage" → "cifar10_multistage"),
    /// with "_model" added when it would be a keyword, the exported train.py or sample.py, a module they import, or one
    /// of Python's standard library or PyTorch's packages (the script's folder comes first on sys.path, so a gettext.py
    /// there breaks `import argparse`, which imports gettext).
    /// </summary>
    public static string Module(string modelName)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < modelName.Length; i++)
        {
            char c = modelName[i];
            bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(modelName[i - 1]) || char.IsDigit(modelName[i - 1]) ||
                                                          (i + 1 < modelName.Length && char.IsLower(modelName[i + 1]) && char.IsUpper(modelName[i - 1])));
            if (boundary && builder.Length > 0 && builder[builder.Length - 1] != '_') builder.Append('_');
            builder.Append(c < 128 && char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }
        string name = builder.ToString();
        if (name.Length == 0 || char.IsDigit(name[0])) name = "model_" + name;
        return ModuleNamesTaken.Value.Contains(name) ? name + "_model" : name;
    }

    /// <summary>The names a Python source binds at its top level: classes, functions, assignments and imports.</summary>
    internal static IEnumerable<string> TopLevelNames(string source)
    {
        foreach (Match m in Regex.Matches(source, @"^(?:class|def)\s+(\w+)|^(\w+)\s*(?::[^=\n]*)?=(?!=)", RegexOptions.Multiline))
            yield return m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
        foreach (Match m in Regex.Matches(source, @"^import\s+([\w.]+)(?:\s+as\s+(\w+))?", RegexOptions.Multiline))
            yield return m.Groups[2].Success ? m.Groups[2].Value : m.Groups[1].Value.Split('.')[0];
        foreach (Match m in Regex.Matches(source, @"^from\s+[\w.]+\s+import\s+(.+)$", RegexOptions.Multiline))
            foreach (var part in m.Groups[1].Value.Split(','))
                yield return part.Trim().Split(new[] { " as " }, StringSplitOptions.None).Last().Trim();
    }

    /// <summary>The top-level modules a Python source imports: a model module of that name would shadow them.</summary>
    private static IEnumerable<string> ImportedModules(string source) =>
        Regex.Matches(source, @"^\s*(?:import\s+(\w+)|from\s+(\w+)[\w.]*\s+import\s)", RegexOptions.Multiline).Cast<Match>()
             .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
}
