using System.Collections.Generic;
using System.Text;

namespace DiffusionDsl.Language.Backends.PyTorch;

/// <summary>How an exported model's Python module and class are named.</summary>
public static class PythonNames
{
    // Python keywords and the names the exported module itself defines: a model class of one of these names would
    // shadow them, so it gets a trailing underscore.
    private static readonly HashSet<string> Taken = new()
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield", "match", "case", "type",
        "Level", "Block", "Stage", "EncoderLayout", "DecoderLayout", "UNetBlock", "SharedEncoder", "StageDecoder",
        "NoiseEmbedding", "MultistageUNet", "Schedule", "VpSchedule", "DdpmLinearSchedule", "CosineSchedule", "EdmSchedule",
        "F", "nn", "torch", "math", "os", "json", "struct",
    };

    /// <summary>The model's class: its .msd name, unless that is a keyword or a name the module defines.</summary>
    public static string Class(string modelName) => Taken.Contains(modelName) ? modelName + "_" : modelName;

    /// <summary>The module file's name without ".py": the model name in snake_case ("Cifar10Multistage" → "cifar10_multistage").</summary>
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
        // "train" would be shadowed by the exported train.py.
        return Taken.Contains(name) || name == "train" ? name + "_model" : name;
    }
}
