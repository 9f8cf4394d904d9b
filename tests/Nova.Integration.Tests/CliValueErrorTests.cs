using System.CommandLine;
using System.CommandLine.Help;
using Nova.Cli;
using Nova.Cli.Commands;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// A value of the wrong shape for a non-string option is reported like every other CLI error:
/// one line "error: …" in plain words and exit code 1, never a .NET type name or the whole help.
/// </summary>
public sealed class CliValueErrorTests
{
    // One row per non-string option or argument in src/Nova.Cli/Commands.
    [Theory]
    [InlineData("incident list --limit abc", "--limit must be a whole number, got 'abc'")]
    [InlineData("audit --limit 1.5", "--limit must be a whole number, got '1.5'")]
    [InlineData("incident ack 01M8YCT7GXNQK9F3MTEF1Z5TVY --if-version v2", "--if-version must be a whole number, got 'v2'")]
    [InlineData("incident resolve 01M8YCT7GXNQK9F3MTEF1Z5TVY --if-version 2.0", "--if-version must be a whole number, got '2.0'")]
    [InlineData("incident note 01M8YCT7GXNQK9F3MTEF1Z5TVY rolling-back --if-version x", "--if-version must be a whole number, got 'x'")]
    [InlineData("service create acme/payments --home eu-west-1 --stale-after ten", "--stale-after must be a whole number, got 'ten'")]
    [InlineData("up --base-port http", "--base-port must be a whole number, got 'http'")]
    [InlineData("incident list --limit 99999999999", "--limit is too large, got '99999999999'")]
    [InlineData("incident list --limit=-99999999999", "--limit is too small, got '-99999999999'")]
    [InlineData("tenant create acme --plan team --allowed-regions eu-west-1 --region-owner eu-west-1=SRE --region-owner eu-west-1=Ops", "--region-owner names eu-west-1 twice; a region has one owner")]
    public async Task A_bad_value_is_one_plain_line_and_exit_code_1_when_an_option_is_not_a_string(string commandLine, string message)
    {
        var ct = TestContext.Current.CancellationToken;

        var run = await NovaCli.RunAsync(commandLine, ct);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["error: " + message], run.ErrorLines);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("incident list --bogus", "error: Unrecognized command or argument '--bogus'; see 'nova incident list --help'")]
    [InlineData("incident ack", "error: Required argument missing for command: 'ack'; see 'nova incident ack --help'")]
    [InlineData("service bogus", "error: Unrecognized command or argument 'bogus'; see 'nova service --help'")]
    [InlineData("frobnicate", "error: Unrecognized command or argument 'frobnicate'; see 'nova --help'")]
    [InlineData("incidnet list --tenant acme", "error: Unrecognized command or argument 'incidnet' (did you mean 'incident'?); see 'nova --help'")]
    [InlineData("incident lsit", "error: Unrecognized command or argument 'lsit' (did you mean 'list'?); see 'nova incident --help'")]
    [InlineData("inc list", "error: Unrecognized command or argument 'inc' (did you mean 'incident'?); see 'nova --help'")]
    [InlineData("incident list --tenat acme", "error: Unrecognized command or argument '--tenat' (did you mean '--tenant'?); see 'nova incident list --help'")]
    [InlineData("api-key create --role viewer --name x --nme", "error: Unrecognized command or argument '--nme' (did you mean '--name'?); see 'nova api-key create --help'")]
    [InlineData("api-key revoke --tenat acme key_1", "error: Unrecognized command or argument '--tenat' (did you mean '--tenant'?); see 'nova api-key revoke --help'")]
    [InlineData("incident note 01M8YCT7GXNQK9F3MTEF1Z5TVY --if-verison 3 hello", "error: Unrecognized command or argument '--if-verison' (did you mean '--if-version'?); see 'nova incident note --help'")]
    [InlineData("incident list --jsno", "error: Unrecognized command or argument '--jsno' (did you mean '--json'?); see 'nova incident list --help'")]
    public async Task An_unknown_option_or_a_missing_argument_is_one_line_naming_the_help_to_read_not_the_whole_help(string commandLine, string line)
    {
        var ct = TestContext.Current.CancellationToken;

        var run = await NovaCli.RunAsync(commandLine, ct);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal([line], run.ErrorLines);
        Assert.All(run.ErrorLines, line => Assert.EndsWith("--help'", line, StringComparison.Ordinal));
        Assert.All(run.ErrorLines, line => Assert.StartsWith("error: ", line, StringComparison.Ordinal));
        Assert.Equal("", run.Stdout);
        Assert.DoesNotContain("Description:", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_error_is_one_line_when_a_bad_value_comes_with_another_mistake()
    {
        var ct = TestContext.Current.CancellationToken;

        var run = await NovaCli.RunAsync("incident list --limit abc --bogus", ct);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error: --limit must be a whole number, got 'abc'", run.ErrorLines);
        Assert.All(run.ErrorLines, line => Assert.StartsWith("error: ", line, StringComparison.Ordinal));
        Assert.DoesNotContain("System.", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_is_shown_and_exit_code_is_0_when_help_is_asked_for_despite_a_bad_value()
    {
        var ct = TestContext.Current.CancellationToken;

        var run = await NovaCli.RunAsync("incident list --limit abc --help", ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("--limit", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task A_limit_out_of_bounds_is_one_line_naming_the_bounds_and_the_value_given()
    {
        var ct = TestContext.Current.CancellationToken;

        var run = await NovaCli.RunAsync("incident list --limit 501", ct);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["error: --limit must be between 1 and 500, got 501"], run.ErrorLines);
    }

    /// <summary>Guards options added later: each non-string one must get a plain message too.</summary>
    [Fact]
    public void Every_non_string_option_and_argument_in_the_tree_gets_a_plain_message_for_a_bad_value()
    {
        var root = NovaCommand.Create();
        var checkedOptions = 0;
        foreach (var (path, command) in Walk(root, []))
        {
            foreach (var argument in command.Arguments)
            {
                Assert.True(ValueErrors.Covers(argument.ValueType), $"{string.Join(' ', path)} <{argument.Name}> is a {argument.ValueType}: add it to ValueErrors");
            }

            // --help and --version are System.CommandLine's own and take no value.
            foreach (var option in command.Options.Where(o => o is not (HelpOption or VersionOption)))
            {
                Assert.True(ValueErrors.Covers(option.ValueType), $"{string.Join(' ', path)} {option.Name} is a {option.ValueType}: add it to ValueErrors");
                if (option.ValueType == typeof(string) || option.ValueType == typeof(string[]) || option.ValueType == typeof(bool) || option.ValueType == typeof(bool?))
                {
                    continue; // strings take anything; a bool leaves a bad token unmatched instead
                }

                var parse = root.Parse([.. path, option.Name, "zz"]);
                var messages = parse.Errors.Select(ValueErrors.Describe).OfType<string>().ToList();
                Assert.True(messages.Contains($"{option.Name} must be a whole number, got 'zz'"),
                    $"nova {string.Join(' ', path)} {option.Name} zz: {string.Join(" | ", parse.Errors.Select(e => e.Message))}");
                checkedOptions++;
            }
        }

        Assert.True(checkedOptions >= 7, $"only {checkedOptions} non-string options found");
    }

    private static IEnumerable<(string[] Path, Command Command)> Walk(Command command, string[] path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var found in Walk(sub, [.. path, sub.Name]))
            {
                yield return found;
            }
        }
    }

    private static string Version() =>
        typeof(global::Nova.Cli.Cli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

    [Theory]
    [InlineData("incidnet", "incident")]
    [InlineData("tenat", "tenant")]
    [InlineData("servcie", "service")]
    [InlineData("AUDIT", "audit")]
    [InlineData("reg", "region")]
    [InlineData("zzz", null)]
    [InlineData("", null)]
    [InlineData("audit", null)]
    [InlineData("incidentsxyz", null)]
    public void A_typo_or_a_prefix_suggests_the_closest_command_and_anything_else_none(string typed, string? expected)
    {
        Assert.Equal(expected, global::Nova.Cli.Cli.Closest(typed, ["incident", "tenant", "service", "audit", "region", "api-key", "up"]));
    }

    [Fact]
    public async Task Output_and_errors_sent_to_one_file_follow_each_other_as_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(Path.GetTempPath(), "nova-cli-out-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            // One open file shared by the shell and both of nova's streams (not appended to).
            await ShellAsync("""( echo first; nova frobnicate; nova --version; echo last ) > "$FILE" 2>&1""", ct, file);

            // Written by three processes to one file: each line whole, in order, none overwritten.
            Assert.Equal(
                ["first", "error: Unrecognized command or argument 'frobnicate'; see 'nova --help'", Version(), "last"],
                await File.ReadAllLinesAsync(file, ct));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("nova --help | head -1", 0, "Description:", "")]
    [InlineData("nova --help >&-", 0, "", "")]
    [InlineData("nova frobnicate 2>&-", 1, "", "")]
    [InlineData("nova --version > /dev/full", 1, "", "error: Cannot write to file descriptor 1: No space left on device.")]
    public async Task A_reader_that_leaves_or_a_closed_or_full_output_ends_the_command_quietly_or_in_one_line(string line, int exitCode, string stdout, string stderr)
    {
        var ct = TestContext.Current.CancellationToken;

        var (code, output, errors) = await ShellAsync(line + "; exit ${PIPESTATUS[0]}", ct);

        Assert.Equal((exitCode, stdout, stderr), (code, output.TrimEnd(), errors.TrimEnd()));
    }

    /// <summary>Runs a bash line in which <c>nova</c> is the CLI under test and <c>$FILE</c> is <paramref name="file"/>.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> ShellAsync(string line, CancellationToken ct, string file = "")
    {
        var nova = NovaCli.StartInfo([]);
        var shell = new System.Diagnostics.ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        shell.ArgumentList.Add("-c");
        shell.ArgumentList.Add($"nova() {{ \"$NOVA_HOST\" \"$NOVA_DLL\" \"$@\"; }}; {line}");
        foreach (var (name, value) in nova.Environment)
        {
            shell.Environment[name] = value;
        }

        shell.Environment["NOVA_HOST"] = nova.FileName;
        shell.Environment["NOVA_DLL"] = nova.ArgumentList[0];
        shell.Environment["FILE"] = file;
        using var process = System.Diagnostics.Process.Start(shell)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }
}
