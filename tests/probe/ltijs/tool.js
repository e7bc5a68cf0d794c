// ltijs 5 set up as its README shows (Provider.setup, onConnect, onDeepLinking, deploy,
// registerPlatform with the platform's JWKS URL), on ltijs-sequelize + SQLite instead of MongoDB
// (ltijs's own database plugin), for tests/probe/test_ltijs.py. Not run in CI: `make ltijs` installs it.
// Usage: node tool.js PORT ISSUER CLIENT_ID AUTH_URL TOKEN_URL JWKS_URL DB_FILE [devMode]
const lti = require('ltijs').Provider
const Database = require('ltijs-sequelize')

const [port, issuer, clientId, authUrl, tokenUrl, jwksUrl, dbFile, mode] = process.argv.slice(2)
const db = new Database('ltijs', 'user', 'pass', { dialect: 'sqlite', storage: dbFile, logging: false })
const options = { appRoute: '/launch', loginRoute: '/login', cookies: { secure: false, sameSite: 'Lax' } }
if (mode === 'devMode') options.devMode = true // "THIS SHOULD NOT BE USED IN A PRODUCTION ENVIRONMENT"
lti.setup('LTIKEY-test-only', { plugin: db }, options) // TEST ONLY encryption key
lti.onConnect(async (token, req, res) => res.send('Launched OK: ' + token.user))
lti.onDeepLinking(async (token, req, res) => {
  const items = [{ type: 'ltiResourceLink', title: 'Probe item', url: `http://127.0.0.1:${port}/launch` }]
  return res.send(await lti.DeepLinking.createDeepLinkingForm(res.locals.token, items, { message: 'ok' }))
})

;(async () => {
  await lti.deploy({ port: Number(port), silent: true })
  await lti.registerPlatform({
    url: issuer, name: 'Mock Canvas', clientId, authenticationEndpoint: authUrl, accesstokenEndpoint: tokenUrl,
    authConfig: { method: 'JWK_SET', key: jwksUrl }
  })
  console.log('READY')
})()
