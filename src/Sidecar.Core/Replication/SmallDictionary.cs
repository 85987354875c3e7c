using System.Diagnostics.CodeAnalysis;

namespace Sidecar.Replication;

/// <summary>
/// A read-only string map kept as one array of pairs, in the order given: an instance's properties are a handful of
/// entries, so a linear search is as fast as hashing, and the map costs about a third of a <see cref="Dictionary{TKey,TValue}"/>.
/// </summary>
internal sealed class SmallDictionary : IReadOnlyDictionary<string, string>
{
    private readonly KeyValuePair<string, string>[] _pairs;

    private SmallDictionary(KeyValuePair<string, string>[] pairs) => _pairs = pairs;

    /// <summary>A compact copy with shared strings (keys always; values when short); the input is not kept.</summary>
    public static SmallDictionary Of(IReadOnlyDictionary<string, string> source)
    {
        if (source is SmallDictionary small)
        {
            return small;
        }

        var pairs = new KeyValuePair<string, string>[source.Count];
        var i = 0;
        foreach (var (key, value) in source)
        {
            pairs[i++] = new(SharedStrings.Share(key), SharedStrings.Share(value));
        }

        return new SmallDictionary(pairs);
    }

    public int Count => _pairs.Length;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    public IEnumerable<string> Values => _pairs.Select(p => p.Value);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        foreach (var pair in _pairs)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                value = pair.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
