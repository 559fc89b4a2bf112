import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { MAX_UPLOAD_BYTES, checkFiles, importFormData, placeError } from './form';

const file = (name: string, size = 10) => ({ name, size });

describe('the import form', () => {
  it('asks for files that fit the kind of import', () => {
    expect(checkFiles('linkedin_archive', [])).toBe('Choose the ZIP of your LinkedIn export, or its CSV files.');
    expect(checkFiles('json_resume', [])).toBe('Choose your resume.json file.');
    expect(checkFiles('linkedin_archive', [file('Basic_LinkedInDataExport.zip')])).toBeNull();
    expect(checkFiles('linkedin_archive', [file('Profile.csv'), file('Positions.CSV')])).toBeNull();
    expect(checkFiles('linkedin_archive', [file('Profile.csv'), file('photo.png')])).toBe('photo.png is neither a ZIP archive nor a CSV file.');
    expect(checkFiles('json_resume', [file('resume.json')])).toBeNull();
    expect(checkFiles('json_resume', [file('resume.json'), file('other.json')])).toBe('Choose one resume.json file.');
    expect(checkFiles('json_resume', [file('resume.txt')])).toBe('resume.txt is not a .json file.');
  });

  it('refuses more than the API takes, before sending it', () => {
    expect(checkFiles('linkedin_archive', [file('a.zip', MAX_UPLOAD_BYTES)])).toBeNull();
    expect(checkFiles('linkedin_archive', [file('a.zip', MAX_UPLOAD_BYTES), file('Profile.csv', 200 * 1024)])).toBe(
      'The files add up to 20.2 MB; an import takes at most 20 MB.',
    );
  });

  it('sends every file, and the design of a new portfolio or the portfolio to add to', () => {
    const files = [new File(['a'], 'Profile.csv'), new File(['b'], 'Positions.csv')];
    const fresh = importFormData({ kind: 'linkedin_archive', files, target: { kind: 'new', template: 'developer' } });
    expect(fresh.get('kind')).toBe('linkedin_archive');
    expect(fresh.getAll('file').map((part) => (part as File).name)).toEqual(['Profile.csv', 'Positions.csv']);
    expect(fresh.get('template')).toBe('developer');
    expect(fresh.has('portfolio_id')).toBe(false);

    const merge = importFormData({ kind: 'json_resume', files: [new File(['{}'], 'resume.json')], target: { kind: 'merge', portfolioId: 'p1' } });
    expect(merge.get('portfolio_id')).toBe('p1');
    expect(merge.has('template')).toBe(false);
  });

  it('puts errors next to the field they are about', () => {
    const named = new ApiError(422, 'invalid', 'choose one of the designs', 'template');
    expect(placeError(named, { kind: 'new', template: 'x' })).toBe(named);
    expect(placeError(new ApiError(413, 'unexpected', 'Something went wrong (HTTP 413). Try again.', null), { kind: 'new', template: 'modern' }).field).toBe('file');
    expect(placeError(new ApiError(404, 'not_found', 'not found', null), { kind: 'merge', portfolioId: 'p' }).field).toBe('portfolio_id');
    expect(placeError(new ApiError(404, 'not_found', 'not found', null), { kind: 'new', template: 'modern' }).field).toBeNull();
  });
});
