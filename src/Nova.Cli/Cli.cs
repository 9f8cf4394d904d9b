using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nova.Cli.Client;
using Spectre.Console;

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
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);
        }
        catch (CliError e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
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
                Console.Error.WriteLine("error: " + e.Message);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or JsonException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
        };

    public static NovaClient Client(ParseResult parse) =>
        new(Connection.Resolve(parse.GetValue(CommonOptions.Data)), Console.Error);

    public static bool WantsJson(ParseResult parse) => parse.GetValue(CommonOptions.Json);

    public static void PrintJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, NovaClient.Json));

    public static Table Table(params string[] columns)
    {
        if (Console.IsOutputRedirected || AnsiConsole.Profile.Width < 160)
        {
            // Tables are for reading and for grep: never squeeze a column to wrap an id.
            AnsiConsole.Profile.Width = 240;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }

        return table;
    }

    public static string Esc(string? text) => Markup.Escape(text ?? "");
}
