using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Sidecar.Gossip.Wire;

/// <summary>Reads big-endian fields; every read checks bounds and returns false instead of throwing.</summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public bool Byte(out byte value)
    {
        value = 0;
        if (!Take(1, out var span))
        {
            return false;
        }

        value = span[0];
        return true;
    }

    public bool Bool(out bool value)
    {
        value = false;
        if (!Byte(out var b) || b > 1)
        {
            return false;
        }

        value = b == 1;
        return true;
    }

    public bool UInt16(out ushort value)
    {
        value = 0;
        if (!Take(2, out var span))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(span);
        return true;
    }

    public bool UInt32(out uint value)
    {
        value = 0;
        if (!Take(4, out var span))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(span);
        return true;
    }

    public bool Int32(out int value)
    {
        value = 0;
        if (!Take(4, out var span))
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt32BigEndian(span);
        return true;
    }

    public bool Int64(out long value)
    {
        value = 0;
        if (!Take(8, out var span))
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt64BigEndian(span);
        return true;
    }

    public bool UInt64(out ulong value)
    {
        value = 0;
        if (!Take(8, out var span))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(span);
        return true;
    }

    /// <summary>A non-empty short string of valid UTF-8.</summary>
    public bool String(out string value)
    {
        value = "";
        if (!Byte(out var length) || length == 0 || !Take(length, out var span) || !Utf8.IsValid(span))
        {
            return false;
        }

        value = Encoding.UTF8.GetString(span);
        return true;
    }

    /// <summary>A blob with a 4-byte length, copied out of the input.</summary>
    public bool Blob(out ReadOnlyMemory<byte> value)
    {
        value = default;
        if (!Int32(out var length) || length < 0 || !Take(length, out var span))
        {
            return false;
        }

        value = span.ToArray();
        return true;
    }

    /// <summary>A count of items that each take at least <paramref name="minItemSize"/> bytes; rejects counts the input cannot hold.</summary>
    public bool Count(int minItemSize, out int count)
    {
        count = 0;
        if (!Int32(out var value) || value < 0 || (long)value * minItemSize > Remaining)
        {
            return false;
        }

        count = value;
        return true;
    }

    public bool Rest(out ReadOnlySpan<byte> rest)
    {
        rest = _data[_position..];
        _position = _data.Length;
        return true;
    }

    private bool Take(int count, out ReadOnlySpan<byte> span)
    {
        if (count > Remaining)
        {
            span = default;
            return false;
        }

        span = _data.Slice(_position, count);
        _position += count;
        return true;
    }
}
