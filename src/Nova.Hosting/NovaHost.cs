using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nova.Contracts;
using Nova.Core;

namespace Nova.Hosting;

/// <summary>What every Nova web role shares: Kestrel limits, JSON, request ids, problem documents.</summary>
public static partial class NovaHost
{
    public const string RequestIdHeader = "X-Request-Id";

    public static WebApplicationBuilder CreateBuilder(string url, LogLevel minimumLevel = LogLevel.Warning)
    {
        // Nova reads no appsettings.json; with the default reload-on-change the host would watch
        // the content root (the working directory) recursively, and a data folder below it
        // would wake the watcher on every database write.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"], EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Endpoints enforce their own, smaller limits with a problem document; this is the backstop.
            kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(minimumLevel);
        // Framework logs stay at Warning even with --verbose: ASP.NET Core's request and routing
        // logs write full paths, and an integration key may be in the path
        // (/v1/ingest/alertmanager/KEY). Nova logs requests itself, by route template.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // Nova logs handled errors itself (one line for a transient store problem).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
        // Start-up failures reach the caller as exceptions and are reported there in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        // The process that hosts a role owns Ctrl-C and SIGTERM (nova up runs several hosts in
        // one process); a host must not swallow the signal for itself.
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        });
        return builder;
    }

    /// <summary>Request ids, and a problem document for anything unhandled (never a stack trace).</summary>
    public static void UseNovaDefaults(this WebApplication app)
    {
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Nova.Requests");
        app.Use(async (context, next) =>
        {
            var id = context.Request.Headers[RequestIdHeader].ToString();
            if (id.Length is 0 or > 64)
            {
                id = context.TraceIdentifier;
            }

            context.TraceIdentifier = id;
            context.Response.Headers[RequestIdHeader] = id;
            if (!requests.IsEnabled(LogLevel.Debug))
            {
                await next();
                return;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await next();
            var route = (context.GetEndpoint() as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            LogRequest(requests, context.Request.Method, route, context.Response.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, id);
        });
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (error is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            {
                return; // the client went away: nobody to answer, nothing to report
            }

            var transient = error is not null && Transient.IsTransient(error);
            if (transient)
            {
                LogTransient(requests, context.Request.Method, context.TraceIdentifier, error!.GetBaseException().Message);
            }
            else
            {
                LogUnhandled(requests, error, context.Request.Method, context.TraceIdentifier);
            }

            var result = transient
                ? Problems.Unavailable("The store is busy or unreachable; retry shortly.")
                : Problems.Of(500, ProblemTypes.Internal, "Internal error", $"Nova failed to handle the request; report request id {context.TraceIdentifier}.");
            if (transient)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            await result.ExecuteAsync(context);
        }));
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            if (context.Response.StatusCode == 404 && !context.Response.HasStarted)
            {
                await Problems.NotFound($"No endpoint at {context.Request.Method} {context.Request.Path}.").ExecuteAsync(context);
            }
            else if (context.Response.StatusCode == 400 && !context.Response.HasStarted)
            {
                await Problems.Validation([new Nova.Contracts.FieldError("query", "A query or route parameter has the wrong type (for example a number that is not a number).")]).ExecuteAsync(context);
            }
            else if (context.Response.StatusCode == 405 && !context.Response.HasStarted)
            {
                await Problems.Of(405, ProblemTypes.MethodNotAllowed, "Method not allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}.").ExecuteAsync(context);
            }
        });
    }

    public static string RequestId(this HttpContext context) => context.TraceIdentifier;

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Method} failed for a transient store problem, answered 503 (request {RequestId}): {Error}")]
    private static partial void LogTransient(ILogger logger, string method, string requestId, string error);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "{Method} failed, answered 500 (request {RequestId})")]
    private static partial void LogUnhandled(ILogger logger, Exception? error, string method, string requestId);

    // Route templates and ids only: never a path value, a body or a header.
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "{Method} {Route} -> {Status} in {Milliseconds:0.0} ms (request {RequestId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double milliseconds, string requestId);
}

/// <summary>Tells transient store failures (worth a retry) from permanent ones.</summary>
public static class Transient
{
    public static bool IsTransient(Exception error) => error switch
    {
        StoreUnavailableException => true,
        TimeoutException => true,
        _ when error.GetType().Name == "SqliteException" && error.Message.Contains("locked", StringComparison.OrdinalIgnoreCase) => true,
        _ when error.GetType().Name == "SqliteException" && error.Message.Contains("busy", StringComparison.OrdinalIgnoreCase) => true,
        _ when error.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };
}

/// <summary>A host lifetime that leaves signals to the process that started the host.</summary>
internal sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
