/** The page's calibration controller, for its panels (main.tsx makes it; App provides it). */
import { createContext, useContext } from 'react';
import type { CalibrationController } from './controller.ts';

export const CalibrationContext = createContext<CalibrationController | null>(null);

export function useCalibrationController(): CalibrationController {
  const c = useContext(CalibrationContext);
  if (!c) throw new Error('useCalibrationController outside <CalibrationContext.Provider>');
  return c;
}
