namespace TsvLive.Tables.Memory;

/// <summary>
/// The memory a version takes while it is being built (an upload arriving, a stored version read
/// back), charged to one client address. It grows as the version does; when the version is
/// published, <see cref="TableMemory"/> takes the bytes over, and otherwise disposing gives them back.
/// </summary>
internal sealed class MemoryReservation : IDisposable
{
    private readonly TableMemory _memory;
    private readonly long _credit;
    private bool _ended;

    internal MemoryReservation(TableMemory memory, string address, long credit)
    {
        _memory = memory;
        Address = address;
        _credit = credit;
    }

    /// <summary>The client address the bytes are charged to.</summary>
    public string Address { get; }

    public long Bytes { get; private set; }

    /// <summary>
    /// Reserves <paramref name="bytes"/> in all, making room when it must (<see cref="TableMemory"/>);
    /// throws <see cref="Errors.ServerFullException"/> or <see cref="Errors.AddressShareFullException"/> when it cannot.
    /// </summary>
    public void Resize(long bytes)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        _memory.Admit(bytes - Bytes, Address, _credit);
        Bytes = bytes;
    }

    /// <summary>
    /// <paramref name="bytes"/> of the reservation now belong to a published version (rows appended to
    /// it); the reservation goes on with the rest (bytes that arrived past the version's last record).
    /// </summary>
    internal void TakeOver(long bytes)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        Bytes -= bytes;
    }

    /// <summary>The bytes now belong to a published version: disposing gives nothing back.</summary>
    internal long TakeOver()
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        _ended = true;
        return Bytes;
    }

    public void Dispose()
    {
        if (!_ended)
        {
            _ended = true;
            _memory.Release(Bytes, Address);
        }
    }
}
