/** Quantization support in the engine: calibration of activation ranges on the float model. */
package dev.condense.engine.quant;
