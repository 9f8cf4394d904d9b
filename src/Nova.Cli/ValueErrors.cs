using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Nova.Cli;

/// <summary>
/// Says in plain words what is wrong with a value System.CommandLine could not convert: it
/// reports "Cannot parse argument 'abc' for option '--limit' as expected type 'System.Int32'";
/// the user reads "--limit must be a whole number, got 'abc'".
/// </summary>
/// <remarks>
/// One translation for the whole tree rather than a parser per option, so an option added
/// later is covered without anyone remembering to: a test walks every command and fails for a
/// value type missing from <see cref="Shapes"/>. The error is recognised by its symbol's value
/// type and by checking the token again here, not by the message text, which is localised.
/// </remarks>
internal static class ValueErrors
{
    /// <summary>For each non-string value type: what is wrong with a token, or null when it is fine.</summary>
    private static readonly Dictionary<Type, Func<string, string?>> Shapes = new()
    {
        [typeof(int)] = token =>
            int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null
            : BigInteger.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big) ? (big.Sign < 0 ? "is too small" : "is too large")
            : "must be a whole number",
        // A bool option never takes a token that is not true or false (System.CommandLine leaves
        // it unmatched instead: "Unrecognized command or argument 'maybe'"), so this is for completeness.
        [typeof(bool)] = token => bool.TryParse(token, out _) ? null : "must be true or false",
    };

    /// <summary>Whether a bad value for a symbol of this type gets a plain message (strings never fail).</summary>
    public static bool Covers(Type valueType)
    {
        var type = Scalar(valueType);
        return type == typeof(string) || Shapes.ContainsKey(type);
    }

    /// <summary>The plain message for a parse error about a value, or null for any other parse error.</summary>
    public static string? Describe(ParseError error)
    {
        var (name, valueType, arity) = error.SymbolResult switch
        {
            OptionResult option => (option.IdentifierToken?.Value ?? option.Option.Name, option.Option.ValueType, option.Option.Arity),
            ArgumentResult argument => ($"<{argument.Argument.Name}>", argument.Argument.ValueType, argument.Argument.Arity),
            _ => (null, null, default(ArgumentArity)),
        };
        var tokens = error.SymbolResult?.Tokens ?? [];

        // More tokens than the symbol takes is an arity error, whatever the tokens say.
        if (name is null || valueType is null || tokens.Count == 0 || tokens.Count > arity.MaximumNumberOfValues
            || !Shapes.TryGetValue(Scalar(valueType), out var shape))
        {
            return null;
        }

        foreach (var token in tokens)
        {
            if (shape(token.Value) is { } problem)
            {
                return $"{name} {problem}, got '{Cli.Safe(token.Value)}'";
            }
        }

        return null;
    }

    /// <summary>int for int, int? and int[].</summary>
    private static Type Scalar(Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        return Nullable.GetUnderlyingType(element) ?? element;
    }
}
