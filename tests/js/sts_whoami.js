#!/usr/bin/env node
// tests/js/sts_whoami.js — STS GetCallerIdentity with the JavaScript SDK v3 and its default
// credential chain (AWS_PROFILE, the shared config/credentials files, credential_process, ...).
//
//   node sts_whoami.js                      print the caller's Arn (one line), exit 0
//   node sts_whoami.js --key                print "ARN ACCESS_KEY_ID" (the key the call was signed with)
//   node sts_whoami.js --loop MS SECONDS    a long job: one client, GetCallerIdentity every MS ms for
//                                           SECONDS seconds; one line per call "N ARN ACCESS_KEY_ID";
//                                           the first error ends it: "sts_whoami: call N failed: ..."
//                                           on stderr, exit 1; at the end "calls=N keys=K" (K = distinct
//                                           access keys seen), exit 0
//
// Endpoint: the SDK itself honours AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL (and endpoint_url in
// the profile).  CA: the JS SDK v3 does NOT read AWS_CA_BUNDLE (nor ca_bundle; checked in 3.1177.0:
// no occurrence in node_modules), so this script passes it itself: a NodeHttpHandler with an
// https.Agent({ca}).  No retries (maxAttempts 1): a failure shows at once.
// STS_WHOAMI_UA=TEXT: appended to the User-Agent (customUserAgent), so a test can pick this
// client's calls out of the STS log.
// Exit status: 0 ok, 1 an STS or credential error, 2 usage.
"use strict";
// Node 20 (Debian 12's) draws a multi-line NodeVersionSupportWarning on stderr; it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const fs = require("fs");
const https = require("https");
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const { NodeHttpHandler } = require("@smithy/node-http-handler");

function usage() {
	process.stderr.write("usage: sts_whoami.js [--key] | --loop MS SECONDS\n");
	process.exit(2);
}

function makeClient() {
	const cfg = { maxAttempts: 1 };
	if (process.env.STS_WHOAMI_UA) cfg.customUserAgent = process.env.STS_WHOAMI_UA;
	const ca = process.env.AWS_CA_BUNDLE;
	if (ca) {
		cfg.requestHandler = new NodeHttpHandler({
			httpsAgent: new https.Agent({ ca: fs.readFileSync(ca) }),
			connectionTimeout: 5000,
			requestTimeout: 10000,
		});
	}
	return new STSClient(cfg);
}

function describe(e) {
	const name = (e && (e.name || e.Code)) || "Error";
	return `${name}: ${(e && e.message) || String(e)}`;
}

async function callOnce(client) {
	const out = await client.send(new GetCallerIdentityCommand({}));
	// The identity the client holds now (memoized by the SDK: the one this call was signed with).
	const id = await client.config.credentials();
	return { arn: out.Arn, key: id.accessKeyId };
}

async function main() {
	const args = process.argv.slice(2);
	if (args.length === 0 || (args.length === 1 && args[0] === "--key")) {
		const client = makeClient();
		let r;
		try {
			r = await callOnce(client);
		} catch (e) {
			process.stderr.write(`sts_whoami: ${describe(e)}\n`);
			process.exit(1);
		}
		process.stdout.write(args.length ? `${r.arn} ${r.key}\n` : `${r.arn}\n`);
		return;
	}
	if (args[0] !== "--loop" || args.length !== 3) usage();
	const ms = Number(args[1]);
	const secs = Number(args[2]);
	if (!(ms > 0) || !(secs > 0)) usage();
	const client = makeClient();
	const end = Date.now() + secs * 1000;
	const keys = new Set();
	let n = 0;
	for (;;) {
		n++;
		let r;
		try {
			r = await callOnce(client);
		} catch (e) {
			process.stderr.write(`sts_whoami: call ${n} failed: ${describe(e)}\n`);
			process.exit(1);
		}
		keys.add(r.key);
		process.stdout.write(`${n} ${r.arn} ${r.key}\n`);
		if (Date.now() + ms > end) break;
		await new Promise((res) => setTimeout(res, ms));
	}
	process.stdout.write(`calls=${n} keys=${keys.size}\n`);
}

main().catch((e) => {
	process.stderr.write(`sts_whoami: ${describe(e)}\n`);
	process.exit(1);
});
