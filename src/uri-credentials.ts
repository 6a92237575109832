import { InputError } from './input-error.js'

// A user name and password, or a shared access signature (Azure Storage's SAS query parameters), in a URL are keys
// to what it names. Such a URL is refused and never shown: it would reach the log, the dry run and the summary, and
// a key handed to a workflow belongs in a secret the action does not need. Checked on the text, so a URL that does
// not parse is caught too, and on the text decoded as a service or a browser may decode it (percent-encoding, HTML
// entities, twice over), with parameters after '?', '&', '#' or ';'.
const userInfo = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i
const sasParameter =
  /(?:^|[?&#;])\s*(?:sig|signature|sv|se|st|sp|spr|sr|srt|ss|si|skoid|sktid|skt|ske|sks|skv|saoid|suoid|scid|sdd|ses)\s*=/i

export function refuseCredentials(input: string, value: string): void {
  const forms = decodedForms(value)
  const what = forms.some(form => userInfo.test(form))
    ? 'a user name or password'
    : forms.some(form => sasParameter.test(form))
      ? 'a shared access signature (sig=, sv=, se=...)'
      : undefined
  if (what) {
    throw new InputError(
      `Input '${input}' holds credentials: the URL carries ${what}, which the action refuses and does not show. ` +
        'Give the URL without them; the identity the action signs in as needs a role on the data instead ' +
        '(such as Storage Blob Data Reader), or name a datastore (azureml://datastores/<name>/paths/<path>).'
    )
  }
}

// Each round undoes one layer of encoding; a few rounds reach text encoded more times than any tool would by mistake.
const decodingRounds = 4

function decodedForms(value: string): string[] {
  const forms = [value]
  for (let round = 0; round < decodingRounds; round++) {
    const last = forms[forms.length - 1] ?? value
    const next = decodeHtmlEntities(percentDecoded(last))
    if (next === last) break
    forms.push(next)
  }
  return forms
}

// Byte by byte: the parameter names are ASCII, and a malformed sequence elsewhere must not stop the decoding.
function percentDecoded(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

// The entities that can spell a URL's separators, by number or by name; the final ';' is optional in HTML.
const namedEntities: Record<string, string> = {
  amp: '&',
  equals: '=',
  quest: '?',
  num: '#',
  semi: ';',
  sol: '/',
  colon: ':',
  commat: '@'
}

function decodeHtmlEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));?/gi, (entity, decimal, hex, name) => {
    if (decimal !== undefined || hex !== undefined) {
      const code = decimal !== undefined ? parseInt(decimal as string, 10) : parseInt(hex as string, 16)
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity
    }
    return namedEntities[(name as string).toLowerCase()] ?? entity
  })
}
