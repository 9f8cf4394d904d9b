using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nova.Cli.Client;

namespace Nova.Cli;

internal static class CommonOptions
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of tables (for scripts).", Recursive = true };

    public static readonly Option<string?> Data = new("--data")
    {
        Description = "Data folder of the local topology (default: $NOVA_DATA, else the folder 'nova up' last used, else ~/.nova).",
        Recursive = true,
    };
}

internal static class Cli
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        Terminal.UsePlainStreams();
        // Ctrl-C and SIGTERM cancel the running command, which then stops cleanly (nova up
        // stops every host and says so) instead of the runtime killing the process.
        using var stop = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        try
        {
            var parse = root.Parse(args);
            var command = parse.CommandResult.Command;
            if (Mistyped(parse, args) is { } mistyped)
            {
                // One line for the word that went wrong: the words after a mistyped command
                // ('nova incidnet list'), or the value after a mistyped option ('--tenat acme'),
                // are not errors of their own.
                Console.Error.WriteLine(Safe($"error: {Unrecognized(mistyped.Word, mistyped.Guess)}; see '{CommandPath(command)} --help'"));
                return 1;
            }

            if (parse.Action is ParseErrorAction && args.Length > 0)
            {
                // One line per error, in plain words, instead of System.CommandLine's message
                // followed by the whole help (a bad value would name .NET types). Bare 'nova'
                // still shows the help: there is nothing wrong to report. "Required command was
                // not provided" only echoes an unknown subcommand, which is said alone.
                var errors = parse.Errors.Where(e => parse.UnmatchedTokens.Count == 0 || e.SymbolResult is not System.CommandLine.Parsing.CommandResult
                    || parse.UnmatchedTokens.Any(token => e.Message.Contains($"'{token}'", StringComparison.Ordinal))).ToList();
                if (errors.Count == 0)
                {
                    errors = [.. parse.Errors];
                }

                // A value error says all there is to say; any other one also names the help to read.
                var lines = errors.Select(e => ValueErrors.Describe(e) ?? e.Message.TrimEnd('.') + $"; see '{CommandPath(command)} --help'");
                foreach (var line in lines.Distinct())
                {
                    Console.Error.WriteLine("error: " + Safe(line));
                }

                return 1;
            }

            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, stop.Token);
        }
        catch (CliError e)
        {
            Console.Error.WriteLine("error: " + Safe(e.Message));
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (IOException e)
        {
            // Help or the version could not be written (a full disk under a redirect).
            Console.Error.WriteLine("error: " + Safe(e.Message));
            return 1;
        }
    }

    public static string Unrecognized(string word, string? guess) =>
        $"Unrecognized command or argument '{word}'{(guess is null ? "" : $" (did you mean '{guess}'?)")}";

    /// <summary>
    /// A word that names no command where a subcommand belongs (the parse stopped at a command
    /// that only has subcommands), or a word like an option that is none but close to one —
    /// left unmatched, or taken as an argument ('api-key create --name x --nme') — with the
    /// closest name. Null when there is none, and after "--", past which every word is an
    /// argument as typed.
    /// </summary>
    private static (string Word, string? Guess)? Mistyped(ParseResult parse, string[] args)
    {
        if (args.Contains("--"))
        {
            return null;
        }

        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count > 0 && command.Action is null && parse.UnmatchedTokens is [var first, ..] && !first.StartsWith('-'))
        {
            return (first, Closest(first, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)));
        }

        var options = OptionsOf(parse.CommandResult).ToList();
        var stray = parse.UnmatchedTokens.Concat(parse.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Argument).Select(t => t.Value))
            .Where(word => word.Length > 2 && word.StartsWith("--", StringComparison.Ordinal))
            .Select(word => (Word: word, Guess: Closest(word, options)))
            .FirstOrDefault(m => m.Guess is not null);
        return stray.Guess is null ? null : stray;
    }

    /// <summary>The long options a command takes: its own, and those its parents pass down (--json, --data).</summary>
    private static IEnumerable<string> OptionsOf(System.CommandLine.Parsing.CommandResult result)
    {
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult level)
            {
                foreach (var option in level.Command.Options.Where(o => !o.Hidden && (o.Recursive || level == result)))
                {
                    yield return option.Name;
                }
            }
        }
    }

    /// <summary>The name closest to <paramref name="typed"/> (a typo or a prefix of it), or null when none is close.</summary>
    internal static string? Closest(string typed, IEnumerable<string> names) =>
        typed.Length == 0 ? null : names.Where(n => !n.Equals(typed, StringComparison.Ordinal)).Select(n => (Name: n, Distance: n.StartsWith(typed, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance(typed.ToLowerInvariant(), n)))
            .Where(c => c.Distance <= Math.Max(1, Math.Min(2, typed.Length / 3)))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();

    /// <summary>Levenshtein distance, with a swap of two neighbours counted as one edit.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>The words that invoke a command, e.g. "nova incident ack".</summary>
    private static string CommandPath(Command command)
    {
        var words = new List<string>();
        for (Symbol? symbol = command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            words.Insert(0, c is RootCommand ? "nova" : c.Name);
        }

        return string.Join(' ', words);
    }

    /// <summary>Runs a command's body; turns every expected failure into one line on stderr.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(Func<ParseResult, CancellationToken, Task> body) =>
        async (parse, ct) =>
        {
            try
            {
                await body(parse, ct);
                return 0;
            }
            catch (CliError e)
            {
                Console.Error.WriteLine("error: " + Safe(e.Message));
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
            catch (Exception e)
            {
                // Whatever went wrong, the user gets one line, not a stack trace.
                Console.Error.WriteLine("error: " + Safe(e.GetBaseException().Message));
                return 1;
            }
        };

    public static NovaClient Client(ParseResult parse) =>
        new(Connection.Resolve(parse.GetValue(CommonOptions.Data)), Console.Error);

    public static bool WantsJson(ParseResult parse) => parse.GetValue(CommonOptions.Json);

    public static void PrintJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, NovaClient.Json));

    /// <summary>Prints the table, or <paramref name="whenEmpty"/> instead of a header over nothing.</summary>
    public static void Write(TextTable table, string whenEmpty)
    {
        if (table.Count == 0)
        {
            Console.WriteLine(whenEmpty);
            return;
        }

        table.Write(Console.Out, Terminal.Width());
    }

    /// <summary>
    /// One line for the errors of several regions: the message once when every region said the
    /// same (a bad option value), else each prefixed with its region.
    /// </summary>
    public static string PerRegion(IReadOnlyCollection<(string Region, string Error)> errors) =>
        errors.Select(e => e.Error).Distinct().Count() == 1
            ? errors.First().Error
            : string.Join("; ", errors.Select(e => $"{e.Region}: {e.Error.TrimEnd('.')}"));

    /// <summary>
    /// Alert content comes from whoever holds an integration key: control characters,
    /// bidirectional overrides and other invisible characters are shown as escapes
    /// (<c>\u001b</c>, <c>\U000e0001</c>), so they cannot recolour, rewrite or spoof the
    /// operator's terminal, hide in a title, or break a table row.
    /// </summary>
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new System.Text.StringBuilder(text.Length);
        Span<char> chars = stackalloc char[2];
        var inFlag = false;
        foreach (var rune in text.EnumerateRunes())
        {
            // Tag characters are invisible: kept only where they spell a flag (🏴 + tags + cancel
            // tag), so that they cannot carry hidden text anywhere else.
            var tag = rune.Value is >= 0xE0020 and <= 0xE007F;
            var keepTag = tag && inFlag;
            inFlag = rune.Value == 0x1F3F4 || (keepTag && rune.Value != 0xE007F);
            if (tag ? !keepTag : !Printable(rune))
            {
                builder.Append(rune.Value switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    <= 0xFFFF => $"\\u{rune.Value:x4}",
                    _ => $"\\U{rune.Value:x8}",
                });
            }
            else
            {
                builder.Append(chars[..rune.EncodeToUtf16(chars)]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Not a control character, an invisible format character (bidirectional overrides and
    /// marks, zero-width spaces, byte order marks) or a line or paragraph separator. The
    /// zero-width joiner and non-joiner stay: emoji sequences and Persian or Indic words need them.
    /// </summary>
    private static bool Printable(System.Text.Rune rune) =>
        !System.Text.Rune.IsControl(rune)
        && (System.Text.Rune.GetUnicodeCategory(rune) is not (System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
            || rune.Value is 0x200C or 0x200D);
}
