using System;
using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.Linq;
using System.Text.RegularExpressions;

namespace DiffusionDsl.Cli;

/// <summary>
/// System.CommandLine's parse errors in the words a user knows: "--steps takes a whole number, not 'abc'" rather than
/// "... as expected type 'System.Nullable`1[System.Int32]'", which also said that for a number too large.
/// </summary>
internal static partial class ParseErrorText
{
    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.$")]
    private static partial Regex CannotParse();

    /// <summary>
    /// A number option given with a ',' ("--lr 0,001"): the parser reads ',' as a thousands separator, so that would be
    /// 1, silently. Numbers are written with a '.' as in an .msd; a comma is refused with what to write.
    /// </summary>
    public static IEnumerable<string> DecimalCommas(CommandResult command) =>
        from option in command.Children.OfType<OptionResult>()
        where option.Option.ValueType == typeof(double) || option.Option.ValueType == typeof(double?)
        from token in option.Tokens
        where token.Value.Contains(',', StringComparison.Ordinal)
        select $"{option.Option.Name} takes a number, written with a '.' (0.001, 2e-4), not '{token.Value}'.";

    public static string Friendly(string message)
    {
        var match = CannotParse().Match(message);
        if (!match.Success) return message;
        string type = match.Groups["type"].Value;
        string takes = type.Contains("System.Int32") ? $"a whole number from {int.MinValue} to {int.MaxValue}"
                     : type.Contains("System.Int64") ? $"a whole number from {long.MinValue} to {long.MaxValue}"
                     : type.Contains("System.Double") ? "a number, written with a '.' (0.001, 2e-4)"
                     : type.Contains("System.Boolean") ? "true or false"
                     : $"a value of type {type}";
        return $"{match.Groups["option"].Value} takes {takes}, not '{match.Groups["value"].Value}'.";
    }
}
