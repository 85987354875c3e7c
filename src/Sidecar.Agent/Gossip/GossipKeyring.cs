using System.Security.Cryptography;

namespace Sidecar.Agent.Gossip;

/// <summary>
/// The cluster keys. Every gossip message is sealed with AES-256-GCM under the first key:
/// <c>keyId(1) nonce(12) ciphertext tag(16)</c>, 29 bytes of overhead, the key id being the first byte of the key's
/// SHA-256. Any key of the ring opens a message, so a key is rotated without downtime: add the new key second
/// everywhere, then make it first everywhere, then remove the old one. The message kind (packet or stream) is
/// authenticated too, so a datagram cannot be replayed as a stream message.
/// </summary>
internal sealed class GossipKeyring
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int Overhead = 1 + NonceSize + TagSize;

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
        var key = _keys[0];
        var output = new byte[Overhead + plaintext.Length];
        output[0] = key.Id;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        ReadOnlySpan<byte> aad = [kind];
        lock (key.Aes)
        {
            key.Aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(1 + NonceSize + plaintext.Length, TagSize), aad);
        }

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

        var nonce = message.Slice(1, NonceSize);
        var cipher = message[(1 + NonceSize)..^TagSize];
        var tag = message[^TagSize..];
        ReadOnlySpan<byte> aad = [kind];
        var output = new byte[cipher.Length];
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

                plaintext = output;
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                // Try the next key with the same id (ids are one byte: collisions happen).
            }
        }

        return false;
    }

    private sealed record Key(byte Id, AesGcm Aes);
}
