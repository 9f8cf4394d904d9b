using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Nova.EndToEnd.Tests;

/// <summary>One HTTP request that reached a <see cref="WebhookRecorder"/>.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string ContentType, string Body);

/// <summary>
/// A tiny webhook receiver on a free loopback port (System.Net.HttpListener): answers every
/// request with 200 and records it, so a test can wait for what a sender delivered.
/// </summary>
public sealed class WebhookRecorder : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Channel<RecordedRequest> _requests = Channel.CreateUnbounded<RecordedRequest>();
    private readonly List<RecordedRequest> _seen = [];
    private readonly Task _loop;

    private WebhookRecorder(HttpListener listener, string url)
    {
        _listener = listener;
        Url = url;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary><c>http://127.0.0.1:PORT/</c></summary>
    public string Url { get; }

    /// <summary>Every request taken so far by <see cref="WaitForAsync"/>.</summary>
    public IReadOnlyList<RecordedRequest> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static WebhookRecorder Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var url = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(url);
            try
            {
                listener.Start();
                return new WebhookRecorder(listener, url);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>
    /// Returns the next request (in arrival order) that matches, or throws a TimeoutException that
    /// lists everything received and the <paramref name="describeSender"/> text.
    /// </summary>
    public async Task<RecordedRequest> WaitForAsync(
        Func<RecordedRequest, bool> match, TimeSpan timeout, Func<string>? describeSender, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var request = await _requests.Reader.ReadAsync(timeoutCts.Token).ConfigureAwait(false);
                lock (_seen)
                {
                    _seen.Add(request);
                }

                if (match(request))
                {
                    return request;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var seen = new StringBuilder();
            foreach (var r in Seen)
            {
                seen.Append(CultureInfo.InvariantCulture, $"{r.Method} {r.Path} Authorization={r.Authorization}\n{r.Body}\n");
            }

            throw new TimeoutException(
                $"No matching webhook within {clock.Elapsed.TotalSeconds:0.0} s at {Url}.\n" +
                $"--- received ({Seen.Count}) ---\n{seen}\n{describeSender?.Invoke()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or HttpListenerException or InvalidOperationException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or HttpListenerException or InvalidOperationException)
            {
                return;
            }

            try
            {
                string body;
                using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                {
                    body = await reader.ReadToEndAsync().ConfigureAwait(false);
                }

                _requests.Writer.TryWrite(new RecordedRequest(
                    context.Request.HttpMethod,
                    context.Request.Url?.AbsolutePath ?? "/",
                    context.Request.Headers["Authorization"],
                    context.Request.ContentType ?? string.Empty,
                    body));
                context.Response.StatusCode = 200;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
