using System.CommandLine;
using Microsoft.Extensions.Logging;
using Nova.Cli.Client;
using Nova.Cli.Hosting;
using Nova.ControlPlane;
using Nova.Contracts;
using Nova.Region;
using Nova.Storage;

namespace Nova.Cli.Commands;

/// <summary>Commands that run Nova's services: the whole local topology, or one role alone.</summary>
internal static class ServeCommands
{
    public static Command Up()
    {
        var regions = new Option<string>("--regions") { Description = "Comma-separated region names.", DefaultValueFactory = _ => string.Join(",", LocalTopology.DefaultRegions) };
        var basePort = new Option<int>("--base-port") { Description = "Control plane port; region i listens on base-port + 1 + i.", DefaultValueFactory = _ => 7400 };
        var verbose = new Option<bool>("--verbose") { Description = "Log each request (method, route template, status, time; never paths or bodies) and background work." };
        var command = new Command("up", "Run the control plane and every region on loopback, with SQLite under the data folder. Ctrl-C stops all of them.")
        {
            regions, basePort, verbose,
        };
        command.SetAction(Cli.Action(async (parse, ct) =>
        {
            var names = parse.GetValue(regions)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var port = parse.GetValue(basePort);
            var errors = new List<string>();
            if (names.Length == 0)
            {
                errors.Add("--regions needs at least one region name");
            }

            errors.AddRange(names.Where(n => !Nova.Core.Model.Slugs.IsValid(n)).Select(n => $"region name '{n}' is invalid: {Nova.Core.Model.Slugs.Rule}"));
            if (names.Distinct().Count() != names.Length)
            {
                errors.Add("--regions lists a region twice");
            }

            if (port is < 1024 or > 65000 - 16)
            {
                errors.Add($"--base-port must be between 1024 and 64984, got {port}");
            }

            if (errors.Count > 0)
            {
                throw new CliError(string.Join("; ", errors));
            }

            // Checked before anything is created, so a refused start leaves no files behind. A
            // data folder in use comes first: its process holds the ports too, and the folder is
            // what to change. Inside another Nova's folder (--data ~/.nova/control) is in use too.
            var data = Path.GetFullPath(parse.GetValue(CommonOptions.Data) ?? Connection.DefaultDataFolder);
            var roleFolders = names.Select(n => LocalTopology.RegionFolder(data, n)).Prepend(LocalTopology.ControlFolder(data));
            var ancestors = new List<string>();
            for (var folder = new DirectoryInfo(data); folder is not null; folder = folder.Parent)
            {
                ancestors.Add(folder.FullName);
            }

            foreach (var folder in roleFolders.Concat(ancestors))
            {
                if (DataFolderLock.Holder(folder) is { } owner)
                {
                    throw new CliError(DataFolderLock.InUse(data, owner));
                }
            }

            if (Enumerable.Range(port, names.Length + 1).FirstOrDefault(p => !IsFree(p)) is var busy && busy != 0)
            {
                throw new CliError($"Port {busy} is in use (another 'nova up'?); stop it or pass --base-port.");
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            LocalTopology topology;
            try
            {
                topology = await LocalTopology.StartAsync(data, names, port, logLevel: parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning,
                    progress: line => Console.Error.WriteLine("  " + line), ct: ct);
            }
            catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliError($"A port from {port} to {port + names.Length} is in use (another 'nova up'?). Stop it or pass --base-port.");
            }

            await using (topology)
            {
                await File.WriteAllTextAsync(Connection.PointerFile, data, ct);
                Console.WriteLine($"Nova is up ({started.Elapsed.TotalSeconds:0.0} s).");
                Console.WriteLine($"  control plane  {topology.Info.ControlUrl}");
                foreach (var (name, url) in topology.Info.Regions)
                {
                    Console.WriteLine($"  {name,-14} {url}");
                }

                Console.WriteLine($"  data folder    {data}");
                Console.WriteLine($"  operator key   {topology.Info.OperatorKeyFile}");
                Console.WriteLine(await NextStepAsync(topology, names, ct) + " Ctrl-C stops.");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine("stopping…");
                }
            }

            Console.Error.WriteLine("stopped; data kept in " + data);
        }));
        return command;
    }

    public static Command Control()
    {
        var url = new Option<string>("--url") { Description = "Listen URL.", DefaultValueFactory = _ => "http://127.0.0.1:7400" };
        var region = new Option<string[]>("--region")
        {
            Description = "A catalog entry NAME=URL; repeat for each region (kept across restarts).",
            AllowMultipleArgumentsPerToken = false,
        };
        var serve = new Command("serve", "Run the control plane alone.") { url, region };
        serve.SetAction(Cli.Action(async (parse, ct) =>
        {
            var catalog = new List<RegionDoc>();
            foreach (var entry in parse.GetValue(region) ?? [])
            {
                var split = entry.Split('=', 2);
                if (split.Length != 2 || !Uri.TryCreate(split[1], UriKind.Absolute, out _))
                {
                    throw new CliError($"--region '{entry}' must look like eu-west-1=http://127.0.0.1:7401");
                }

                catalog.Add(new RegionDoc(split[0], split[1].TrimEnd('/'), "ga"));
            }

            HttpUrl("--url", parse.GetValue(url)!);
            var data = Path.GetFullPath(parse.GetValue(CommonOptions.Data) ?? Connection.DefaultDataFolder);
            var options = new ControlPlaneOptions { DataFolder = Path.Combine(data, "control"), Url = parse.GetValue(url)!, Regions = catalog };
            await using var app = await ControlPlaneApp.BuildAsync(options, logLevel: LogLevel.Information, ct: ct);
            await app.StartAsync(ct);
            Console.WriteLine($"control plane on {options.Url}; operator key in {options.OperatorKeyPath}");
            await WaitAsync(ct);
            await app.StopAsync(CancellationToken.None);
        }));
        return new Command("control", "The global control plane.") { serve };
    }

    public static Command Region()
    {
        var name = new Option<string>("--region") { Description = "The region's name, e.g. eu-west-1.", Required = true };
        var url = new Option<string>("--url") { Description = "Listen URL, e.g. http://127.0.0.1:7401 (the region's URL in the control plane's catalog).", Required = true };
        var controlUrl = new Option<string>("--control-url") { Description = "The control plane to follow.", DefaultValueFactory = _ => "http://127.0.0.1:7400" };
        var controlKey = new Option<string?>("--control-key") { Description = "Operator key for the change feed (default: $NOVA_API_KEY, else the data folder's control/operator.key)." };
        var verbose = new Option<bool>("--verbose") { Description = "Log each request (method, route template, status, time; never paths or bodies) at debug level." };
        var serve = new Command("serve", "Run one region's data plane alone.") { name, url, controlUrl, controlKey, verbose };
        serve.SetAction(Cli.Action(async (parse, ct) =>
        {
            var data = Path.GetFullPath(parse.GetValue(CommonOptions.Data) ?? Connection.DefaultDataFolder);
            var key = parse.GetValue(controlKey) ?? Environment.GetEnvironmentVariable("NOVA_API_KEY");
            var keyFile = Path.Combine(data, "control", "operator.key");
            if (string.IsNullOrEmpty(key))
            {
                key = File.Exists(keyFile)
                    ? (await File.ReadAllTextAsync(keyFile, ct)).Trim()
                    : throw new CliError($"No operator key: pass --control-key or set NOVA_API_KEY (none in {keyFile}).");
            }

            var regionName = parse.GetValue(name)!;
            if (!Nova.Core.Model.Slugs.IsValid(regionName))
            {
                throw new CliError($"--region '{regionName}' is not a region name: {Nova.Core.Model.Slugs.Rule}.");
            }

            var listen = parse.GetValue(url)!;
            HttpUrl("--url", listen);
            HttpUrl("--control-url", parse.GetValue(controlUrl)!);
            var options = new RegionOptions
            {
                Name = regionName,
                Url = listen,
                DataFolder = Path.Combine(data, "regions", regionName),
                ControlUrl = parse.GetValue(controlUrl)!,
                ControlApiKey = key,
            };
            await using var app = RegionApp.Build(options, logLevel: parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information);
            await app.StartAsync(ct);
            Console.WriteLine($"region {regionName} on {listen}; following {options.ControlUrl}; data in {options.DataFolder}");
            await WaitAsync(ct);
            await app.StopAsync(CancellationToken.None);
        }));
        var list = new Command("list", "List the region catalog with each region's health and applied configuration revision.");
        list.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var regions = await client.GetAsync<List<RegionView>>(client.Control("/v1/regions"), ct);
            var statuses = await Task.WhenAll(regions.Select(async r =>
            {
                try
                {
                    return (r, status: await client.GetAsync<RegionStatus>(r.Url + "/v1/status", ct), error: (string?)null);
                }
                catch (CliError e)
                {
                    return (r, status: (RegionStatus?)null, error: e.Message);
                }
            }));
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(statuses.Select(s => new { s.r.Name, s.r.Url, s.r.Lifecycle, s.status, s.error }));
                return;
            }

            var table = new TextTable(["REGION", "URL", "LIFECYCLE", "STATE", "APPLIED REV", "CONTROL REV", "TENANTS", "SERVICES"]);
            foreach (var (r, status, error) in statuses)
            {
                table.AddRow(r.Name, r.Url, r.Lifecycle, status is null ? "down" : status.ControlPlaneReachable ? "up" : "up, control plane unreachable",
                    status?.AppliedRevision.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    status?.ControlRevision.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    status?.Tenants?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    status?.Services?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
            }

            Cli.Write(table, "No regions in the catalog.");
        }));
        return new Command("region", "Regions: the catalog, and running one region's data plane.") { serve, list };
    }

    private static void HttpUrl(string option, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliError($"{option} '{value}' is not an http(s) URL, e.g. http://127.0.0.1:7401.");
        }
    }

    private static async Task WaitAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What to do next: create a tenant on a new data folder, else look at the tenants there are.</summary>
    private static async Task<string> NextStepAsync(LocalTopology topology, string[] regions, CancellationToken ct)
    {
        var create = "Next: nova tenant create acme --plan business --allowed-regions " + string.Join(",", regions.Take(2)) + ".";
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(topology.Info.ControlUrl), Timeout = TimeSpan.FromSeconds(5) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", topology.OperatorKey);
            var tenants = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<Nova.Contracts.TenantView>>(http, "v1/tenants", Client.NovaClient.Json, ct);
            return tenants is { Count: > 0 }
                ? $"Tenants here: {string.Join(", ", tenants.Select(t => t.Slug).Take(5))}{(tenants.Count > 5 ? ", …" : "")}; e.g. nova incident list --tenant {tenants[0].Slug}."
                : create;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return create;
        }
    }

    /// <summary>True when nothing listens on the loopback port now (a later start can still race).</summary>
    private static bool IsFree(int port)
    {
        try
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
