using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// The cluster keys. Every gossip message is sealed with AES-256-GCM under the first key:
/// <c>keyId(1) nonce(12) ciphertext tag(16)</c>, 29 bytes of overhead, the key id being the first byte of the key's
/// SHA-256. Any key of the ring opens a message, so a key is rotated without downtime: add the new key second
/// everywhere, then make it first everywhere, then remove the old one. The message kind (packet or stream) is
/// authenticated too, so a datagram cannot be replayed as a stream message.
/// <para>
/// On top of that, the transport's framing (<see cref="SealPacket"/>, <see cref="SealStream"/>): every message carries
/// its send time (Unix milliseconds) inside the sealed data, so a receiver can refuse replays and future clocks; a
/// stream message opens with a fixed-size sealed header (<see cref="StreamHeaderSize"/> bytes: send time and body
/// length) so the receiver authenticates 41 bytes before it reads or allocates anything else, and its body follows in
/// sealed chunks of at most <see cref="ChunkSize"/> bytes (nonce derived from the header's, chunk index authenticated),
/// so a body is authenticated chunk by chunk as it arrives.
/// </para>
/// </summary>
internal sealed class GossipKeyring
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int Overhead = 1 + NonceSize + TagSize;

    /// <summary>Sealed send time (8 bytes) and overhead added to every datagram by <see cref="SealPacket"/>.</summary>
    public const int PacketOverhead = Overhead + sizeof(long);

    /// <summary>The sealed header that opens a stream message: send time (8) and body length (4).</summary>
    public const int StreamHeaderSize = Overhead + sizeof(long) + sizeof(int);

    /// <summary>Plaintext bytes per sealed body chunk of a stream message.</summary>
    public const int ChunkSize = 64 * 1024;

    public const byte PacketKind = (byte)'P';
    public const byte StreamKind = (byte)'S';
    private const byte ChunkKind = (byte)'C';

    private readonly Key[] _keys;

    public GossipKeyring(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0 || keys.Any(k => k.Length != KeySize))
        {
            throw new ArgumentException($"a gossip keyring needs one or more keys of {KeySize} bytes", nameof(keys));
        }

        _keys = [.. keys.Select(k => new Key(SHA256.HashData(k)[0], new AesGcm(k, TagSize)))];
    }

    public int Count => _keys.Length;

    /// <summary>Parses keys given as base64 (32 bytes each), separated by commas, whitespace or new lines.</summary>
    public static bool TryParse(string text, out GossipKeyring? keyring, out string error)
    {
        keyring = null;
        var keys = new List<byte[]>();
        foreach (var part in text.Split([',', '\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = new byte[KeySize + 3];
            if (!Convert.TryFromBase64String(part, bytes, out var written) || written != KeySize)
            {
                error = $"a key is not base64 of exactly {KeySize} bytes (generate one with: head -c 32 /dev/urandom | base64)";
                return false;
            }

            keys.Add(bytes[..KeySize]);
        }

        if (keys.Count == 0)
        {
            error = "no key given";
            return false;
        }

        keyring = new GossipKeyring(keys);
        error = "";
        return true;
    }

    /// <summary>Seals a message under the first key.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, byte kind)
    {
        var output = new byte[Overhead + plaintext.Length];
        SealInto(plaintext, kind, output);
        return output;
    }

    /// <summary>Opens a sealed message with whichever key matches; false (never an exception) when none authenticates it.</summary>
    public bool TryOpen(ReadOnlySpan<byte> message, byte kind, out byte[] plaintext)
    {
        plaintext = [];
        if (message.Length < Overhead)
        {
            return false;
        }

        var output = new byte[message.Length - Overhead];
        if (TryOpenInto(message, kind, output) is null)
        {
            return false;
        }

        plaintext = output;
        return true;
    }

    /// <summary>A datagram: <c>sentAt(8) payload</c> sealed as a <see cref="PacketKind"/> message.</summary>
    public byte[] SealPacket(ReadOnlySpan<byte> payload, long sentAtMilliseconds)
    {
        var plaintext = new byte[sizeof(long) + payload.Length];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, sentAtMilliseconds);
        payload.CopyTo(plaintext.AsSpan(sizeof(long)));
        return Seal(plaintext, PacketKind);
    }

    /// <summary>Opens a datagram sealed by <see cref="SealPacket"/>; false (never an exception) when it does not authenticate.</summary>
    public bool TryOpenPacket(ReadOnlySpan<byte> message, out long sentAtMilliseconds, out byte[] payload)
    {
        sentAtMilliseconds = 0;
        payload = [];
        if (!TryOpen(message, PacketKind, out var plaintext) || plaintext.Length < sizeof(long))
        {
            return false;
        }

        sentAtMilliseconds = BinaryPrimitives.ReadInt64BigEndian(plaintext);
        payload = plaintext[sizeof(long)..];
        return true;
    }

    /// <summary>Bytes on the wire of a stream message with a body of <paramref name="length"/> bytes.</summary>
    public static long StreamLength(int length) => StreamHeaderSize + (long)length + ((long)ChunkCount(length) * TagSize);

    /// <summary>Body chunks of a stream message with a body of <paramref name="length"/> bytes.</summary>
    public static int ChunkCount(int length) => (int)(((long)length + ChunkSize - 1) / ChunkSize);

    /// <summary>A stream message: the sealed header (send time, body length), then the body in sealed chunks.</summary>
    public byte[] SealStream(ReadOnlySpan<byte> body, long sentAtMilliseconds)
    {
        var output = new byte[StreamLength(body.Length)];
        Span<byte> header = stackalloc byte[sizeof(long) + sizeof(int)];
        BinaryPrimitives.WriteInt64BigEndian(header, sentAtMilliseconds);
        BinaryPrimitives.WriteInt32BigEndian(header[sizeof(long)..], body.Length);
        var key = SealInto(header, StreamKind, output.AsSpan(0, StreamHeaderSize));
        var chunks = new StreamChunks(key, output.AsSpan(1, NonceSize));
        var offset = StreamHeaderSize;
        for (var i = 0; i * ChunkSize < body.Length; i++)
        {
            var part = body.Slice(i * ChunkSize, Math.Min(ChunkSize, body.Length - (i * ChunkSize)));
            chunks.Seal(i, part, output.AsSpan(offset, part.Length + TagSize));
            offset += part.Length + TagSize;
        }

        return output;
    }

    /// <summary>
    /// Authenticates the fixed-size header of a stream message (<see cref="StreamHeaderSize"/> bytes).
    /// </summary>
    /// <returns>What opens the body's chunks, or null (never an exception) when the header does not authenticate.</returns>
    public StreamChunks? TryOpenStreamHeader(ReadOnlySpan<byte> header, out long sentAtMilliseconds, out int length)
    {
        sentAtMilliseconds = 0;
        length = 0;
        if (header.Length != StreamHeaderSize)
        {
            return null;
        }

        Span<byte> plaintext = stackalloc byte[sizeof(long) + sizeof(int)];
        if (TryOpenInto(header, StreamKind, plaintext) is not { } key)
        {
            return null;
        }

        sentAtMilliseconds = BinaryPrimitives.ReadInt64BigEndian(plaintext);
        length = BinaryPrimitives.ReadInt32BigEndian(plaintext[sizeof(long)..]);
        return new StreamChunks(key, header.Slice(1, NonceSize));
    }

    private Key SealInto(ReadOnlySpan<byte> plaintext, byte kind, Span<byte> output)
    {
        var key = _keys[0];
        output[0] = key.Id;
        var nonce = output.Slice(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        ReadOnlySpan<byte> aad = [kind];
        lock (key.Aes)
        {
            key.Aes.Encrypt(nonce, plaintext, output.Slice(1 + NonceSize, plaintext.Length), output.Slice(1 + NonceSize + plaintext.Length, TagSize), aad);
        }

        return key;
    }

    private Key? TryOpenInto(ReadOnlySpan<byte> message, byte kind, Span<byte> output)
    {
        var nonce = message.Slice(1, NonceSize);
        var cipher = message[(1 + NonceSize)..^TagSize];
        var tag = message[^TagSize..];
        ReadOnlySpan<byte> aad = [kind];
        foreach (var key in _keys)
        {
            if (key.Id != message[0])
            {
                continue;
            }

            try
            {
                lock (key.Aes)
                {
                    key.Aes.Decrypt(nonce, cipher, tag, output, aad);
                }

                return key;
            }
            catch (AuthenticationTagMismatchException)
            {
                // Try the next key with the same id (ids are one byte: collisions happen).
            }
        }

        return null;
    }

    /// <summary>
    /// Seals and opens the body chunks of one stream message: the key that sealed its header, chunk i under the
    /// header's nonce with its last 4 bytes XORed with i + 1, and the chunk index as associated data, so chunks cannot
    /// be reordered, dropped or spliced from another message.
    /// </summary>
    internal sealed class StreamChunks
    {
        private readonly Key _key;
        private readonly byte[] _nonce;
        private readonly byte[] _chunkNonce = new byte[NonceSize];
        private readonly byte[] _aad = new byte[1 + sizeof(int)];

        internal StreamChunks(Key key, ReadOnlySpan<byte> headerNonce)
        {
            _key = key;
            _nonce = headerNonce.ToArray();
            _aad[0] = ChunkKind;
        }

        /// <summary>Sealed size of body chunk <paramref name="index"/> of a body of <paramref name="length"/> bytes.</summary>
        public static int SealedChunkLength(int length, int index) => Math.Min(ChunkSize, length - (index * ChunkSize)) + TagSize;

        public void Seal(int index, ReadOnlySpan<byte> plaintext, Span<byte> output)
        {
            Prepare(index);
            lock (_key.Aes)
            {
                _key.Aes.Encrypt(_chunkNonce, plaintext, output[..plaintext.Length], output.Slice(plaintext.Length, TagSize), _aad);
            }
        }

        /// <summary>Opens sealed chunk <paramref name="index"/> into <paramref name="plaintext"/> (its length minus the tag).</summary>
        public bool TryOpen(int index, ReadOnlySpan<byte> sealedChunk, Span<byte> plaintext)
        {
            if (sealedChunk.Length < TagSize || plaintext.Length != sealedChunk.Length - TagSize)
            {
                return false;
            }

            Prepare(index);
            try
            {
                lock (_key.Aes)
                {
                    _key.Aes.Decrypt(_chunkNonce, sealedChunk[..^TagSize], sealedChunk[^TagSize..], plaintext, _aad);
                }

                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        private void Prepare(int index)
        {
            _nonce.CopyTo(_chunkNonce, 0);
            var counter = BinaryPrimitives.ReadUInt32BigEndian(_chunkNonce.AsSpan(NonceSize - sizeof(int))) ^ (uint)(index + 1);
            BinaryPrimitives.WriteUInt32BigEndian(_chunkNonce.AsSpan(NonceSize - sizeof(int)), counter);
            BinaryPrimitives.WriteInt32BigEndian(_aad.AsSpan(1), index);
        }
    }

    internal sealed record Key(byte Id, AesGcm Aes);
}
