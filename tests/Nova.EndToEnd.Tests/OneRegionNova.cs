namespace Nova.EndToEnd.Tests;

/// <summary>
/// A class fixture: the control plane and eu-west-1, each its own process, shared by the
/// tests of one class. Every test makes its own tenant, so tests never see each other's data.
/// </summary>
public sealed class OneRegionNova : IAsyncLifetime
{
    public const string Region = "eu-west-1";

    public NovaProcesses Nova { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Nova = await NovaProcesses.StartAsync(new NovaProcessesOptions { Regions = [Region] }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Nova is not null)
        {
            await Nova.DisposeAsync();
        }
    }
}
