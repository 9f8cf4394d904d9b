using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nova.Contracts;
using Nova.Core.Model;
using Nova.Hosting;
using Nova.Security;
using Nova.Storage;

namespace Nova.ControlPlane;

/// <summary>Builds the control plane: the one global service for tenants, keys and the region catalog.</summary>
public static class ControlPlaneApp
{
    public static async Task<WebApplication> BuildAsync(ControlPlaneOptions options, TimeProvider? time = null, LogLevel logLevel = LogLevel.Warning, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        var folderLock = DataFolderLock.Acquire(options.DataFolder);
        try
        {
            return await BuildAsync(options, time, logLevel, folderLock, ct);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    private static async Task<WebApplication> BuildAsync(ControlPlaneOptions options, TimeProvider time, LogLevel logLevel, DataFolderLock folderLock, CancellationToken ct)
    {
        var database = new SqliteDatabase(options.DatabasePath);
        database.Migrate(typeof(ControlPlaneApp).Assembly, "Nova.ControlPlane.Migrations.");
        var writer = new GroupCommitWriter(database, CommitSync.BeforeVisible);
        var store = new ControlStore(database, writer, time);

        foreach (var region in options.Regions)
        {
            await store.UpsertRegionAsync(region, ct);
        }

        await BootstrapOperatorKeyAsync(store, options, ct);

        var builder = NovaHost.CreateBuilder(options.Url, logLevel);
        builder.Services.AddSingleton(_ => folderLock); // a factory registration: the app disposes it, releasing the folder
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(writer);
        var app = builder.Build();
        _ = app.Services.GetRequiredService<DataFolderLock>(); // resolved now, so disposing the app releases it
        app.UseNovaDefaults();
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok", role = "control-plane" }));
        var api = app.MapGroup("/v1").AddEndpointFilter(AuthenticateAsync);
        ControlEndpoints.Map(api);
        app.Lifetime.ApplicationStopped.Register(() => writer.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }

    /// <summary>
    /// The first start of a control plane makes an operator key and writes it, readable by
    /// its owner only, into the data folder; the CLI finds it there.
    /// </summary>
    private static async Task BootstrapOperatorKeyAsync(ControlStore store, ControlPlaneOptions options, CancellationToken ct)
    {
        if (await store.AnyOperatorKeyAsync(ct))
        {
            return;
        }

        // The file first, then the key: a crash between the two leaves a file with an unknown
        // key (replaced at the next start), never a stored operator key nobody can read.
        var made = Secrets.NewApiKey();
        var temporary = options.OperatorKeyPath + ".new";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(temporary);
        await using (var stream = new FileStream(temporary, fileOptions))
        await using (var text = new StreamWriter(stream))
        {
            await text.WriteLineAsync(made.Token);
            await text.FlushAsync(ct);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, options.OperatorKeyPath, overwrite: true);
        await store.CreateApiKeyAsync(null, "operator", Role.Owner, new ControlStore.Audit(null, null, "api-key.bootstrap", "startup"), "operator", ct, made);
    }

    private static async ValueTask<object?> AuthenticateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var store = http.RequestServices.GetRequiredService<ControlStore>();
        var (caller, problem) = await ApiKeyAuth.AuthenticateAsync(
            http.Request, keyId => new ValueTask<ApiKeyDoc?>(store.FindApiKeyAsync(keyId, http.RequestAborted)), "create one with 'nova api-key create'.");
        if (problem is not null)
        {
            return problem;
        }

        http.Items[typeof(ApiCaller)] = caller;
        return await next(context);
    }
}
