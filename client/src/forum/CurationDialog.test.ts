import { describe, expect, it } from 'vitest'
import { threadIdOf } from './CurationDialog'

describe('threadIdOf', () => {
  it.each([
    ['42', '42'],
    [' 42 ', '42'],
    ['http://127.0.0.1:8080/forum/t/42', '42'],
    ['https://tavolo.example/forum/t/42?page=2#p7', '42'],
    ['/forum/t/4%202', '4 2'],
  ])('reads %j as %j', (input, want) => {
    expect(threadIdOf(input)).toBe(want)
  })
})
