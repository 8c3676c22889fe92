/**
 * A security key in software for tests: answers WebAuthn creation and request options as
 * `navigator.credentials.create()` / `get()` would, with a P-256 key, "none" attestation and a
 * signature counter. CBOR comes from @simplewebauthn's helpers.
 */
import {
	createHash,
	createSign,
	generateKeyPairSync,
	randomBytes,
	type KeyObject
} from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export class SoftwareAuthenticator {
	readonly credentialId = randomBytes(32);
	private readonly privateKey: KeyObject;
	private readonly cosePublicKey: Uint8Array;
	private userHandle: string | null = null;
	private counter = 0;

	constructor(
		readonly rpId: string,
		readonly origin: string
	) {
		const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		this.privateKey = privateKey;
		const jwk = publicKey.export({ format: 'jwk' });
		this.cosePublicKey = isoCBOR.encode(
			new Map<number, number | Uint8Array>([
				[1, 2],
				[3, -7],
				[-1, 1],
				[-2, Buffer.from(jwk.x!, 'base64url')],
				[-3, Buffer.from(jwk.y!, 'base64url')]
			])
		);
	}

	private clientData(type: string, challenge: string): Buffer {
		return Buffer.from(
			JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false })
		);
	}

	private rpIdHash(): Buffer {
		return createHash('sha256').update(this.rpId).digest();
	}

	/** `navigator.credentials.create()` for these options (a `RegistrationResponseJSON`). */
	create(options: { challenge: string; user: { id: string } }) {
		this.userHandle = options.user.id;
		const idLength = Buffer.alloc(2);
		idLength.writeUInt16BE(this.credentialId.length);
		const authData = Buffer.concat([
			this.rpIdHash(),
			Buffer.from([0x01 | 0x04 | 0x40]),
			Buffer.alloc(4),
			Buffer.alloc(16),
			idLength,
			this.credentialId,
			this.cosePublicKey
		]);
		const attestationObject = isoCBOR.encode(
			new Map<string, string | Uint8Array | Map<string, never>>([
				['fmt', 'none'],
				['attStmt', new Map<string, never>()],
				['authData', authData]
			])
		);
		return {
			id: b64url(this.credentialId),
			rawId: b64url(this.credentialId),
			type: 'public-key',
			response: {
				attestationObject: b64url(attestationObject),
				clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)),
				transports: ['usb']
			},
			clientExtensionResults: {},
			authenticatorAttachment: 'cross-platform'
		};
	}

	/** `navigator.credentials.get()` for these options (an `AuthenticationResponseJSON`). */
	get(options: { challenge: string }, userHandle = this.userHandle) {
		this.counter += 1;
		const counter = Buffer.alloc(4);
		counter.writeUInt32BE(this.counter);
		const authenticatorData = Buffer.concat([this.rpIdHash(), Buffer.from([0x01 | 0x04]), counter]);
		const clientData = this.clientData('webauthn.get', options.challenge);
		const signature = createSign('SHA256')
			.update(Buffer.concat([authenticatorData, createHash('sha256').update(clientData).digest()]))
			.sign(this.privateKey);
		return {
			id: b64url(this.credentialId),
			rawId: b64url(this.credentialId),
			type: 'public-key',
			response: {
				authenticatorData: b64url(authenticatorData),
				clientDataJSON: b64url(clientData),
				signature: b64url(signature),
				...(userHandle ? { userHandle } : {})
			},
			clientExtensionResults: {},
			authenticatorAttachment: 'cross-platform'
		};
	}
}
