namespace Nova.Core;

/// <summary>The store could not take a write right now; the sender should retry.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
