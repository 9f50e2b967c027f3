import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/object-storage.js';
import { encodeRfc3986, signRequest } from '../../src/storage/sigv4.js';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: new Secret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
  sessionToken: undefined,
};

describe('signRequest', () => {
  it("reproduces AWS's documented S3 example (GET Object with a Range header)", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "GET Object".
    const headers = signRequest(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: { Range: 'bytes=0-9' },
      },
      credentials,
      'us-east-1',
      new Date('2013-05-24T00:00:00Z'),
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-content-sha256']).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it("reproduces AWS's documented ListObjects example (query string sorted and encoded)", () => {
    const headers = signRequest(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J'),
        headers: {},
      },
      credentials,
      'us-east-1',
      new Date('2013-05-24T00:00:00Z'),
    );
    expect(headers.authorization).toContain(
      'Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    );
  });

  it('encodes keys as SigV4 wants: reserved characters escaped, slashes kept in paths', () => {
    expect(encodeRfc3986("a b/c(d)*!'~", true)).toBe('a%20b/c%28d%29%2A%21%27~');
    expect(encodeRfc3986('a/b')).toBe('a%2Fb');
  });

  it('never shows a secret in JSON, inspection or string conversion', async () => {
    const { inspect } = await import('node:util');
    const text = [
      JSON.stringify(credentials),
      inspect(credentials),
      String(credentials.secretAccessKey),
    ].join();
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(credentials.secretAccessKey.reveal()).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });
});
