import { answerCutNote } from '../../src/azure/capped-http-client.js'
import { serviceMessage } from '../../src/azure/service-errors.js'

describe('serviceMessage', () => {
  it('reads Azure error JSON, and falls back to the text', () => {
    expect(serviceMessage('{"error":{"code":"UserError","message":"bad"}}')).toEqual({ code: 'UserError', text: 'bad' })
    expect(serviceMessage('<html>Bad gateway</html>')).toEqual({ text: '<html>Bad gateway</html>' })
    expect(serviceMessage('')).toEqual({ text: '(empty body)' })
  })

  it('shows the start of an answer that was cut, and says it was cut', () => {
    const said = serviceMessage(`{"error":{"message":"${'x'.repeat(5000)}${answerCutNote}`)
    expect(said.text.startsWith('{"error":{"message":"xxx')).toBe(true)
    expect(said.text.endsWith(`… ${answerCutNote}`)).toBe(true)
  })
})
